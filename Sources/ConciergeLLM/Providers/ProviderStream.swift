import AsyncHTTPClient
import ConciergeCore
import NIOCore
import NIOHTTP1
import Synchronization

/// A streamed provider answer: its headers, then the body's reads as they arrive
/// (``ProviderTransport/stream(_:body:timeout:watch:)``).
///
/// It runs on AsyncHTTPClient's delegate API, so a streamed call costs one HTTP request and no task of its own: the
/// reads reach the reader through an `AsyncThrowingStream`, and the limits on the first bytes and on silences
/// later are one ``DeadlineWatch`` entry that cancels the request (``StreamDeadline``). Dropping or cancelling the
/// reader cancels the request.
/// The reads are not held back for a slow reader: what the provider sent and the client has not taken yet waits in
/// memory, at most one model answer (kilobytes to a few hundred), where a byte-level backpressure would cost a thread
/// hop per read.
struct ProviderStream: Sendable {
    let headers: HTTPHeaders
    let bytes: AsyncThrowingStream<ByteBuffer, any Error>
    /// Says whether a time limit ended the request.
    let deadline: StreamDeadline
}

/// Hands a streamed answer's head and body reads from the connection's event loop to ``ProviderStream``.
/// AsyncHTTPClient calls it on the request's event loop, one call at a time.
final class ProviderStreamDelegate: HTTPClientResponseDelegate {
    typealias Response = Void

    let head: EventLoopPromise<HTTPResponseHead>
    let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    let deadline: StreamDeadline

    init(head: EventLoopPromise<HTTPResponseHead>, continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation, deadline: StreamDeadline) {
        self.head = head
        self.continuation = continuation
        self.deadline = deadline
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head.succeed(head)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        deadline.read()
        continuation.yield(buffer)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        deadline.end()
        head.fail(error)
        continuation.finish(throwing: error)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        deadline.end()
        continuation.finish()
    }
}

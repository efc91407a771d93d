import AsyncHTTPClient
import ConciergeCore
import NIOCore
import NIOHTTP1
import Synchronization

/// A streamed provider answer: its headers, then the body's reads as they arrive
/// (``ProviderTransport/stream(_:body:timeout:watch:)``).
///
/// It runs on AsyncHTTPClient's delegate API, so a streamed call costs one HTTP request and no task of its own: the
/// reads reach the reader through an `AsyncThrowingStream`, and the deadline for the first bytes is a
/// ``DeadlineWatch`` entry that cancels the request. Dropping or cancelling the reader cancels the request.
/// The reads are not held back for a slow reader: what the provider sent and the client has not taken yet waits in
/// memory, at most one model answer (kilobytes to a few hundred), where a byte-level backpressure would cost a thread
/// hop per read.
struct ProviderStream: Sendable {
    let headers: HTTPHeaders
    let bytes: AsyncThrowingStream<ByteBuffer, any Error>
    /// Says whether the request ended because the first bytes did not arrive in time.
    let firstBytes: FirstBytesDeadline
}

/// The deadline for a stream's head and first body bytes: met by the first bytes, else it cancels the request.
final class FirstBytesDeadline: Sendable {
    private enum State {
        case waiting(DeadlineWatch.Token?)
        case met
        case expired
    }

    private let state = Mutex(State.waiting(nil))
    private let watch: DeadlineWatch

    init(watch: DeadlineWatch) {
        self.watch = watch
    }

    /// Arms the deadline; `cancel` ends the request when it passes first.
    func arm(_ deadline: ContinuousClock.Instant, cancel: @escaping @Sendable () -> Void) {
        let token = watch.register(deadline) { [self] in
            let fire = state.withLock { state -> Bool in
                guard case .waiting = state else { return false }
                state = .expired
                return true
            }
            if fire { cancel() }
        }
        let stillWaiting = state.withLock { state -> Bool in
            guard case .waiting = state else { return false }
            state = .waiting(token)
            return true
        }
        if !stillWaiting { watch.cancel(token) }
    }

    /// The first bytes arrived (or the request ended): the deadline no longer applies.
    func met() {
        let token = state.withLock { state -> DeadlineWatch.Token? in
            guard case .waiting(let token) = state else { return nil }
            state = .met
            return token
        }
        if let token { watch.cancel(token) }
    }

    var expired: Bool {
        state.withLock { if case .expired = $0 { true } else { false } }
    }
}

/// Hands a streamed answer's head and body reads from the connection's event loop to ``ProviderStream``.
/// AsyncHTTPClient calls it on the request's event loop, one call at a time.
final class ProviderStreamDelegate: HTTPClientResponseDelegate {
    typealias Response = Void

    let head: EventLoopPromise<HTTPResponseHead>
    let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    let firstBytes: FirstBytesDeadline

    init(head: EventLoopPromise<HTTPResponseHead>, continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation, firstBytes: FirstBytesDeadline) {
        self.head = head
        self.continuation = continuation
        self.firstBytes = firstBytes
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head.succeed(head)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        firstBytes.met()
        continuation.yield(buffer)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        head.fail(error)
        continuation.finish(throwing: error)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        firstBytes.met()
        continuation.finish()
    }
}

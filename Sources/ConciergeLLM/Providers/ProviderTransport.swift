import AsyncHTTPClient
import ConciergeCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The HTTP plumbing every provider client shares: send JSON, classify failures, read quota headers.
struct ProviderTransport: Sendable {
    static let maxResponseBytes = 32 << 20
    static let maxErrorBytes = 64 << 10

    let httpClient: HTTPClient
    /// What AsyncHTTPClient logs with: its own lines are all debug or trace, so above those levels it gets a logger
    /// that drops everything, and the metadata it sets on every call (request, connection and event-loop ids) costs
    /// nothing.
    let logger: Logger

    init(httpClient: HTTPClient, logger: Logger) {
        self.httpClient = httpClient
        self.logger = logger.logLevel <= .debug ? logger : Self.silent
    }

    static let silent = Logger(label: "concierge.http-client") { _ in SwiftLogNoOpLogHandler() }

    /// POSTs `body` and returns the whole 2xx answer, head and body. `timeout` covers both, and the body is
    /// gathered on the connection's event loop: no extra task and no async body sequence per call. Cancelling the
    /// calling task cancels the request.
    func exchange(_ endpoint: ProviderEndpoint, body: ByteBuffer, timeout: Duration) async throws -> ProviderAnswer {
        let task: HTTPClient.Task<HTTPClient.Response>
        do {
            let request = try endpoint.request(body: body)
            task = httpClient.execute(
                request: request, delegate: ResponseAccumulator(request: request, maxBodySize: Self.maxResponseBytes),
                deadline: .now() + timeout.timeAmount, logger: logger
            )
        } catch {
            throw Self.classify(error)
        }
        let response: HTTPClient.Response
        do {
            response = try await withTaskCancellationHandler { try await task.futureResult.get() } onCancel: { task.cancel() }
        } catch {
            throw Self.classify(error)
        }
        let answer = ProviderAnswer(status: Int(response.status.code), headers: response.headers, body: response.body ?? ByteBuffer())
        guard (200..<300).contains(answer.status) else { throw Self.statusError(answer) }
        return answer
    }

    /// POSTs `body` for a streamed answer and returns once a 2xx head arrives; its body reads follow in
    /// ``ProviderStream/bytes``. `timeout` covers the head and the first body bytes; after them, a silence longer than
    /// `stallLimit` between reads ends the stream.
    /// Non-2xx statuses become an ``LLMError`` classified by status, carrying the provider's message.
    func stream(
        _ endpoint: ProviderEndpoint, body: ByteBuffer, timeout: Duration, stallLimit: Duration, watch: DeadlineWatch = .shared
    ) async throws -> ProviderStream {
        let eventLoop = httpClient.eventLoopGroup.any()
        let head = eventLoop.makePromise(of: HTTPResponseHead.self)
        let (bytes, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let deadline = StreamDeadline(watch: watch, stallLimit: stallLimit)
        let task: HTTPClient.Task<Void>
        do {
            let request = try endpoint.request(body: body)
            let delegate = ProviderStreamDelegate(head: head, continuation: continuation, deadline: deadline)
            task = httpClient.execute(request: request, delegate: delegate, eventLoop: .delegate(on: eventLoop), logger: logger)
        } catch {
            head.fail(error)
            throw Self.classify(error)
        }
        // A reader that stops early cancels the request. A body that finished (the delegate ended the stream, with or
        // without an error) has no request left to cancel: cancelling it anyway cost a state-machine pass and an error.
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        deadline.arm(.now + timeout) { task.cancel() }
        let responseHead: HTTPResponseHead
        do {
            responseHead = try await withTaskCancellationHandler { try await head.futureResult.get() } onCancel: { task.cancel() }
        } catch {
            deadline.end()
            if deadline.expiry == .firstBytes { throw LLMError(.timeout, "no answer within the deployment timeout") }
            throw Self.classify(error)
        }
        guard (200..<300).contains(Int(responseHead.status.code)) else {
            deadline.end()
            // The error body, bounded in size and in time (by a deadline of its own, not the stream's): a rare
            // path, so a task of its own for the bound is fine here.
            let errorBody = try? await withDeadline(timeout, watch: watch) {
                var collected = ByteBuffer()
                do {
                    for try await part in bytes {
                        var part = part
                        collected.writeBuffer(&part)
                        if collected.readableBytes >= Self.maxErrorBytes { break }
                    }
                } catch {}
                return collected
            }
            throw Self.statusError(ProviderAnswer(status: Int(responseHead.status.code), headers: responseHead.headers, body: errorBody ?? ByteBuffer()))
        }
        return ProviderStream(headers: responseHead.headers, bytes: bytes, deadline: deadline)
    }

    /// Turns a transport error into an ``LLMError``.
    static func classify(_ error: any Error) -> LLMError {
        if let error = error as? LLMError { return error }
        if error is CancellationError || Task.isCancelled { return LLMError(.cancelled, "call cancelled") }
        if error is DeadlineExceeded { return LLMError(.timeout, "no answer within the deployment timeout") }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return LLMError(.timeout, "provider timed out (\(error))")
            case .cancelled:
                return LLMError(.cancelled, "call cancelled")
            default:
                return LLMError(.connection, "provider connection failed (\(error))")
            }
        }
        if error is NIOTooManyBytesError || error is ResponseAccumulator.ResponseTooBigError {
            return LLMError(.malformedResponse, "provider response too large")
        }
        return LLMError(.connection, "provider connection failed (\(String(describing: type(of: error))))")
    }

    /// The error for a non-2xx answer already read, with the provider's message when its body has one.
    static func statusError(_ answer: ProviderAnswer) -> LLMError {
        let status = answer.status
        var error = LLMError.fromStatus(status, message: "provider answered HTTP \(status)", retryAfter: retryAfter(answer.headers))
        if let detail = decodeErrorDetail(answer.body) {
            if let message = detail.message { error.message = message }
            error.providerType = detail.type
            error.param = detail.param
            error.code = detail.codeText
        }
        return error
    }

    /// OpenAI's `{"error":{…}}`, Gemini's `[{"error":{…}}]` and Anthropic's `{"type":"error","error":{…}}` all fit.
    static func decodeErrorDetail(_ body: ByteBuffer) -> OpenAIErrorBody.Detail? {
        let data = Data(body.readableBytesView)
        let decoder = JSONDecoder()
        if let single = try? decoder.decode(OpenAIErrorBody.self, from: data) { return single.error }
        if let list = try? decoder.decode([OpenAIErrorBody].self, from: data) { return list.first?.error }
        return nil
    }

    /// `Retry-After` (seconds; an HTTP date is treated as unknown) or OpenAI's `retry-after-ms`.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"), let ms = Double(text), ms >= 0 {
            return .milliseconds(Int64(ms))
        }
        if let text = headers.first(name: "retry-after"), let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        return nil
    }

    /// The `x-ratelimit-remaining-*` headers OpenAI, Z.AI and others send (Anthropic's names too).
    static func providerInfo(_ headers: HTTPHeaders) -> ProviderInfo? {
        let requests = (headers.first(name: "x-ratelimit-remaining-requests") ?? headers.first(name: "anthropic-ratelimit-requests-remaining"))
            .flatMap { Int($0) }
        let tokens = (headers.first(name: "x-ratelimit-remaining-tokens") ?? headers.first(name: "anthropic-ratelimit-tokens-remaining"))
            .flatMap { Int($0) }
        guard requests != nil || tokens != nil else { return nil }
        return ProviderInfo(remainingRequests: requests, remainingTokens: tokens)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder = JSONDecoder()

    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try encoder.encode(value))
    }

    /// A JSON object body, parsed by hand (``JSONValue``) for the shapes that decode themselves from it.
    static func object(from buffer: ByteBuffer, what: String) throws -> JSONFields {
        do {
            let value = try buffer.readableBytesView.withUnsafeBytes { bytes throws(JSONSyntaxError) in try JSONValue.parse(utf8: bytes) }
            return try JSONFields(value)
        } catch {
            throw LLMError(.malformedResponse, "provider sent malformed \(what) (\(error))")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, what: String) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw LLMError(.malformedResponse, "provider sent malformed \(what)")
        }
    }
}

extension Duration {
    /// As a NIO time amount.
    var timeAmount: TimeAmount { .nanoseconds(Int64(inMilliseconds * 1_000_000)) }
}

import ConciergeCore
import NIOCore

/// Turns one provider's server-sent events into provider-neutral stream events.
protocol StreamTranslator: Sendable {
    /// Appends the events for one SSE event to `events` (one array per read, not one per event); throws
    /// ``LLMError`` for a provider error inside the stream. The event's data is borrowed for the call.
    mutating func translate(_ event: SSEEventView, into events: inout [ChatStreamEvent]) throws
    /// The provider said the stream is complete; later bytes are ignored.
    var isComplete: Bool { get }
    /// Whether the body may end here without the stream counting as cut off.
    var endedCleanly: Bool { get }
}

extension StreamTranslator {
    var endedCleanly: Bool { isComplete }
}

/// Pumps a streamed response body through the SSE parser and a translator into `onEvents`, one batch per read of
/// the body (the events that arrived together). The body ending before the translator saw the provider's end marker
/// is an error, never a clean end. Errors thrown by `onEvents` pass through unchanged; leaving the loop drops the
/// stream, which cancels the request.
enum SSEStreamDriver {
    static func run<Translator: StreamTranslator>(
        stream: ProviderStream,
        translator initial: Translator,
        onEvents: ([ChatStreamEvent]) async throws -> Void
    ) async throws {
        var translator = initial
        var parser = SSEParser()
        var usage: TokenUsage?
        var batch: [ChatStreamEvent] = []
        batch.reserveCapacity(16)  // a provider's usual read: a dozen events
        var iterator = stream.bytes.makeAsyncIterator()
        var chunk = try await next(&iterator, stream, usage: nil)
        while let read = chunk {
            if var failure = try translate(read, &parser, &translator, into: &batch, usage: &usage) {
                // What arrived before the error still reaches the caller, then the error.
                if !batch.isEmpty { try await onEvents(batch) }
                failure.usage = failure.usage ?? usage
                throw failure
            }
            if !batch.isEmpty {
                try await onEvents(batch)
                batch.removeAll(keepingCapacity: true)
            }
            if translator.isComplete { return }
            chunk = try await next(&iterator, stream, usage: usage)
        }
        // A reader cancelled mid-stream sees the body end early: that is a cancellation, not a cut-off provider.
        if Task.isCancelled { throw LLMError(.cancelled, "call cancelled", usage: usage) }
        guard translator.endedCleanly else {
            throw LLMError(.streamInterrupted, "provider stream ended before it was complete", usage: usage)
        }
    }

    /// Parses one read and appends its events to `batch`, noting reported usage. Returns the provider's error when one
    /// came (the rest of the read is then ignored, as is everything after the end marker).
    private static func translate<Translator: StreamTranslator>(
        _ read: ByteBuffer, _ parser: inout SSEParser, _ translator: inout Translator, into batch: inout [ChatStreamEvent],
        usage: inout TokenUsage?
    ) throws -> LLMError? {
        var failure: LLMError?
        try read.withUnsafeReadableBytes { bytes in
            try parser.feed(bytes) { event in
                guard failure == nil, !translator.isComplete else { return }
                let start = batch.count
                do {
                    try translator.translate(event, into: &batch)
                } catch let error as LLMError {
                    failure = error
                    return
                }
                for translated in batch[start...] {
                    if case .usage(let reported) = translated { usage = reported }
                }
            }
        }
        return failure
    }

    private static func next(
        _ iterator: inout AsyncThrowingStream<ByteBuffer, any Error>.Iterator, _ stream: ProviderStream, usage: TokenUsage?
    ) async throws -> ByteBuffer? {
        do {
            return try await iterator.next()
        } catch {
            switch stream.deadline.expiry {
            case .firstBytes: throw LLMError(.timeout, "no stream data within the deployment timeout")
            case .stalled: throw LLMError(.timeout, "provider stream went silent for longer than \(stream.deadline.stallLimit)", usage: usage)
            case nil: throw interrupted(error, usage: usage)
            }
        }
    }

    private static func interrupted(_ error: any Error, usage: TokenUsage?) -> LLMError {
        var classified = ProviderTransport.classify(error)
        if classified.kind == .connection {
            classified = LLMError(.streamInterrupted, "provider stream broke: \(classified.message)")
        }
        classified.usage = usage
        return classified
    }
}

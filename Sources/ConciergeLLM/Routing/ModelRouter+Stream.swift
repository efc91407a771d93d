public import ConciergeCore
import Foundation

/// What one streamed attempt has seen so far.
private struct StreamProgress {
    var started: ChatStreamEvent?
    var committed = false
    var timeToFirstToken: Duration?
    var accumulator = ChatStreamAccumulator()

    var reportedUsage: TokenUsage? { accumulator.response.usage }
}

/// An error thrown by the caller's event handler (the client went away), kept apart from provider errors.
private struct SinkFailure: Error {
    let error: any Error
}

extension ModelRouter {
    /// Streams with fallback until the first byte reaches the caller; after that, a failure ends the stream with
    /// the error. A failing `onEvent` (client gone) cancels the upstream call and records the attempt `cancelled`.
    public func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws {
        try await streamBatches(request) { events in
            for event in events { try await onEvent(event) }
        }
    }

    /// ``stream(_:onEvent:)`` handing over the events that arrived together from the provider together.
    public func streamBatches(_ request: ChatRequest, onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
        let chain = try chain(for: request.model)
        let cacheKey = cache != nil && ResponseCacheKey.isCacheable(request) ? ResponseCacheKey(request) : nil
        if let cacheKey, let hit = await cachedResponse(cacheKey, request: request) {
            try await onEvents(ToolEmulation.events(replaying: hit))
            return
        }
        let response = try await withFallback(chain) { entry, attempt in
            try await streamAttempt(entry, request, attempt: attempt, onEvents: onEvents)
        }
        if let cacheKey { await store(response, key: cacheKey) }
    }

    private func streamAttempt(
        _ entry: Entry, _ request: ChatRequest, attempt: Int, onEvents: ([ChatStreamEvent]) async throws -> Void
    ) async throws -> ChatResponse {
        let start = clock.now()
        var progress = StreamProgress()
        do {
            try await entry.chat.streamBatches(request) { events in
                var forwarded: [ChatStreamEvent] = []
                forwarded.reserveCapacity(events.count + 1)
                for event in events {
                    if case .started = event {
                        progress.started = event
                        progress.accumulator.add(event)
                        continue
                    }
                    if !progress.committed {
                        progress.committed = true
                        progress.timeToFirstToken = clock.now() - start
                        if let started = progress.started { forwarded.append(started) }
                    }
                    progress.accumulator.add(event)
                    forwarded.append(event)
                }
                if !forwarded.isEmpty { try await forward(forwarded, onEvents) }
            }
        } catch let sink as SinkFailure {
            await record(
                entry, request, operation: "chat.stream", attempt: attempt, elapsed: clock.now() - start, ttft: progress.timeToFirstToken,
                outcome: .cancelled, usage: progress.reportedUsage ?? .zero, errorKind: "cancelled"
            )
            throw StopRouting(error: sink.error)
        } catch {
            var failure = Self.classify(error)
            failure.usage = failure.usage ?? progress.reportedUsage
            await record(
                entry, request, operation: "chat.stream", attempt: attempt, elapsed: clock.now() - start, ttft: progress.timeToFirstToken,
                outcome: Self.outcome(failure), usage: failure.usage ?? .zero, errorKind: "\(failure.kind)"
            )
            if progress.committed || failure.kind == .cancelled { throw StopRouting(error: failure) }
            throw failure
        }
        var response = progress.accumulator.response
        // Counted once from the whole answer, and only when the provider reported no usage.
        let usage = progress.reportedUsage ?? UsageEstimator.estimate(request, completionCharacters: Self.characters(response))
        response.usage = usage
        await record(
            entry, request, operation: "chat.stream", attempt: attempt, elapsed: clock.now() - start, ttft: progress.timeToFirstToken,
            outcome: .success, usage: usage
        )
        observeQuota(entry, response.provider)
        var tail: [ChatStreamEvent] = []
        if !progress.committed, let started = progress.started {
            tail.append(started)  // An empty answer: the caller still needs the start.
        }
        if progress.reportedUsage == nil { tail.append(.usage(usage)) }
        if !tail.isEmpty { try await forwardOrStop(tail, onEvents) }
        return response
    }

    private func forward(_ events: [ChatStreamEvent], _ onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
        do {
            try await onEvents(events)
        } catch {
            throw SinkFailure(error: error)
        }
    }

    private func forwardOrStop(_ events: [ChatStreamEvent], _ onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
        do {
            try await onEvents(events)
        } catch {
            throw StopRouting(error: error)
        }
    }
}

public import ConciergeCore
import Foundation
import Logging

extension ModelRouter {
    /// Answers from the cache or the first deployment that succeeds. The answer (or the error) carries the call's
    /// ``CallCharge``: the sum of the ledger rows this call wrote, so a caller can account for it without prices.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let chain = try chain(for: request.model)
        let cacheKey = cache != nil && ResponseCacheKey.isCacheable(request) ? ResponseCacheKey(request) : nil
        if let cacheKey, var hit = await cachedResponse(cacheKey, request: request) {
            hit.charge = CallCharge(attempts: 1)
            return hit
        }
        var charge = CallCharge.zero
        var response: ChatResponse
        do {
            response = try await withFallback(chain) { entry, attempt in
                let start = clock.now()
                do {
                    var response = try await entry.chat.complete(request)
                    let usage = response.usage ?? UsageEstimator.estimate(request, completionCharacters: Self.characters(response))
                    response.usage = usage
                    let elapsed = clock.now() - start
                    let cost = await record(entry, request, operation: "chat", attempt: attempt, elapsed: elapsed, ttft: nil, outcome: .success, usage: usage)
                    charge.add(usage, cost: cost)
                    observeQuota(entry, response.provider)
                    return response
                } catch {
                    let failure = Self.classify(error)
                    let usage = failure.usage ?? .zero
                    let cost = await record(
                        entry, request, operation: "chat", attempt: attempt, elapsed: clock.now() - start, ttft: nil,
                        outcome: Self.outcome(failure), usage: usage, errorKind: "\(failure.kind)"
                    )
                    charge.add(usage, cost: cost)
                    throw failure
                }
            }
        } catch var error as LLMError {
            error.charge = charge
            throw error
        }
        response.charge = nil
        if let cacheKey { await store(response, key: cacheKey) }
        response.charge = charge
        return response
    }

    static func classify(_ error: any Error) -> LLMError {
        if let error = error as? LLMError { return error }
        if error is CancellationError || Task.isCancelled { return LLMError(.cancelled, "call cancelled") }
        return LLMError(.server, "unexpected \(String(describing: type(of: error)))")
    }

    static func outcome(_ error: LLMError) -> UsageOutcome {
        switch error.kind {
        case .rateLimited: .rateLimited
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .request: .requestError
        default: .error
        }
    }

    static func characters(_ response: ChatResponse) -> Int {
        (response.content?.count ?? 0) + response.toolCalls.reduce(0) { $0 + $1.name.count + $1.arguments.count }
    }

    /// Writes the ledger row and the metrics of one attempt. A ledger failure is logged, never thrown:
    /// the provider already answered (and billed), so the caller gets the answer. Returns the row's cost.
    @discardableResult
    func record(
        _ entry: Entry, _ request: ChatRequest, operation: String, attempt: Int, elapsed: Duration, ttft: Duration?,
        outcome: UsageOutcome, usage: TokenUsage, errorKind: String? = nil
    ) async -> MicroUSD {
        let cost = entry.settings.prices.cost(of: usage)
        entry.series.attempt(outcome: outcome, duration: elapsed, timeToFirstToken: ttft)
        entry.series.usage(usage, cost: cost)
        let row = UsageRecord(
            time: wallClock(), operation: request.attribution.operation ?? operation, requestID: request.attribution.requestID,
            runID: request.attribution.runID, callerID: request.attribution.callerID, alias: request.model,
            deployment: entry.name, model: entry.settings.model, attempt: attempt, usage: usage, cost: cost,
            latencyMilliseconds: Int(elapsed.inMilliseconds.rounded()), timeToFirstTokenMilliseconds: ttft.map { Int($0.inMilliseconds.rounded()) },
            outcome: outcome, errorKind: errorKind
        )
        await write(row)
        return cost
    }

    func write(_ row: UsageRecord) async {
        guard let ledger else { return }
        do {
            try await ledger.record(row)
        } catch {
            logger.error("Ledger write failed", metadata: ["llm.deployment": .string(row.deployment), "error.type": .string(String(describing: type(of: error)))])
        }
    }

    func observeQuota(_ entry: Entry, _ info: ProviderInfo?) {
        guard let info else { return }
        if let requests = info.remainingRequests { metrics.quota(deployment: entry.name, remaining: requests, type: "requests") }
        if let tokens = info.remainingTokens { metrics.quota(deployment: entry.name, remaining: tokens, type: "tokens") }
    }
}

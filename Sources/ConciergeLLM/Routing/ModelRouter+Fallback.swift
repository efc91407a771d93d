import ConciergeCore
import Logging

/// Ends routing at once: the attempt already reached the caller (a stream past its first byte) or the caller left.
struct StopRouting: Error {
    let error: any Error
}

extension ModelRouter {
    /// Runs `body` against each deployment of the chain in turn, retrying retryable failures with backoff, until one
    /// succeeds. `body` records its own ledger row; this loop owns breakers, retries and fallback.
    func withFallback<T>(_ chain: [Entry], _ body: (Entry, _ attempt: Int) async throws -> T) async throws -> T {
        var attempt = 0
        var lastError: LLMError?
        for entry in chain {
            var retry = 0
            while entry.breaker.admit() {
                attempt += 1
                do {
                    let result = try await entry.limiter.run { try await body(entry, attempt) }
                    entry.breaker.recordSuccess()
                    return result
                } catch let stop as StopRouting {
                    if let error = stop.error as? LLMError, error.isProviderSide { entry.breaker.recordFailure() } else { entry.breaker.recordNeutral() }
                    throw stop.error
                } catch is CancellationError {
                    entry.breaker.recordNeutral()
                    throw LLMError(.cancelled, "call cancelled", deployment: entry.name)
                } catch {
                    var failure = (error as? LLMError) ?? LLMError(.server, String(describing: type(of: error)))
                    failure.deployment = entry.name
                    guard failure.isProviderSide else {
                        entry.breaker.recordNeutral()
                        throw failure
                    }
                    entry.breaker.recordFailure()
                    lastError = failure
                    logger.debug(
                        "Attempt failed",
                        metadata: ["llm.deployment": .string(entry.name), "llm.attempt": .stringConvertible(attempt), "error.type": .string("\(failure.kind)")]
                    )
                    guard failure.isRetryable, retry < entry.settings.maxRetries ?? settings.retry.maxRetries,
                        let delay = settings.retry.delay(beforeRetry: retry, retryAfter: failure.retryAfter)
                    else { break }
                    retry += 1
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        throw LLMError(.cancelled, "call cancelled", deployment: entry.name)
                    }
                }
            }
        }
        if var lastError {
            if chain.count > 1 { lastError.message = "every deployment failed; last: \(lastError.message)" }
            throw lastError
        }
        throw LLMError(.unavailable, "every deployment's circuit is open", status: 503)
    }
}

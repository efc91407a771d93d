import ConciergeCore
import CoreMetrics
import Synchronization

extension LLMMetrics {
    /// The per-call handles of one deployment and model, found by outcome or token type instead of by building and
    /// hashing label strings on every call. Each handle is made on first use through ``LLMMetrics``' own caches, so
    /// a series still appears only once it has a value, and both paths share one handle per label set.
    final class Series: Sendable {
        enum TokenType: String, CaseIterable {
            case prompt, completion, cached
        }

        private struct Handles {
            var requests: [UsageOutcome: Counter] = [:]
            var duration: Timer?
            var timeToFirstToken: Timer?
            var tokens: [TokenType: Counter] = [:]
            var cost: FloatingPointCounter?
        }

        private let metrics: LLMMetrics
        private let labels: [(String, String)]
        private let handles = Mutex(Handles())

        init(_ metrics: LLMMetrics, deployment: String, model: String) {
            self.metrics = metrics
            self.labels = [("deployment", deployment), ("model", model)]
        }

        func attempt(outcome: UsageOutcome, duration: Duration, timeToFirstToken: Duration?) {
            let (counter, timer, ttftTimer) = handles.withLock { handles in
                let counter = handles.requests[outcome] ?? metrics.counter(LLMMetrics.requestsTotal, labels + [("outcome", outcome.rawValue)])
                handles.requests[outcome] = counter
                let timer = handles.duration ?? metrics.timer(LLMMetrics.requestDuration, labels)
                handles.duration = timer
                guard timeToFirstToken != nil else { return (counter, timer, Timer?.none) }
                let ttftTimer = handles.timeToFirstToken ?? metrics.timer(LLMMetrics.timeToFirstToken, labels)
                handles.timeToFirstToken = ttftTimer
                return (counter, timer, ttftTimer)
            }
            counter.increment()
            timer.recordNanoseconds(duration.nanoseconds)
            if let ttftTimer, let timeToFirstToken { ttftTimer.recordNanoseconds(timeToFirstToken.nanoseconds) }
        }

        func usage(_ usage: TokenUsage, cost: MicroUSD) {
            if usage.promptTokens > 0 { tokens(.prompt).increment(by: usage.promptTokens) }
            if usage.completionTokens > 0 { tokens(.completion).increment(by: usage.completionTokens) }
            if usage.cachedTokens > 0 { tokens(.cached).increment(by: usage.cachedTokens) }
            guard cost.value > 0 else { return }
            let counter = handles.withLock { handles in
                let counter = handles.cost ?? metrics.floatCounter(LLMMetrics.costTotal, labels)
                handles.cost = counter
                return counter
            }
            counter.increment(by: cost.usd)
        }

        private func tokens(_ type: TokenType) -> Counter {
            handles.withLock { handles in
                let counter = handles.tokens[type] ?? metrics.counter(LLMMetrics.tokensTotal, labels + [("type", type.rawValue)])
                handles.tokens[type] = counter
                return counter
            }
        }
    }

    /// The handles of one deployment and model, for a caller that records many calls to it.
    func series(deployment: String, model: String) -> Series {
        Series(self, deployment: deployment, model: model)
    }
}

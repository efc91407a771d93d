public import ConciergeCore
import Synchronization

/// Adds up the tokens and cost of a run's model calls (planner, repair, judge, answer).
public final class UsageMeter: Sendable {
    private let state = Mutex(RunUsage())
    let prices: TokenPrices

    public init(prices: TokenPrices = .free, starting: RunUsage = RunUsage()) {
        self.prices = prices
        state.withLock { $0 = starting }
    }

    public func add(_ response: ChatResponse) {
        let usage = response.usage ?? .zero
        let cost = prices.cost(of: usage)
        state.withLock {
            $0.llmCalls += 1
            $0.promptTokens += usage.promptTokens
            $0.completionTokens += usage.completionTokens
            $0.costMicroUSD += cost.value
        }
    }

    public func addToolCalls(_ count: Int) {
        state.withLock { $0.toolCalls += count }
    }

    public var usage: RunUsage { state.withLock { $0 } }
}

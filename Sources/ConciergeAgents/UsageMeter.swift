public import ConciergeCore
import Synchronization

/// Adds up the tokens and cost of a run's model calls (planner, repair, judge, answer). Every call goes through
/// ``complete(_:_:)``, which counts what the call cost in the ledger (``CallCharge``, set by the router: every attempt
/// and fallback with its own deployment's prices), whether it answered or failed. A model that reports no charge
/// (a bare client, a test double) is counted by its reported tokens at no cost.
public final class UsageMeter: Sendable {
    private let state = Mutex(RunUsage())

    public init(starting: RunUsage = RunUsage()) {
        state.withLock { $0 = starting }
    }

    /// Calls `model` and counts the call, answered or not.
    public func complete(_ model: any ChatModel, _ request: ChatRequest) async throws -> ChatResponse {
        do {
            let response = try await model.complete(request)
            add(response)
            return response
        } catch let error as LLMError {
            if let charge = error.charge, charge.attempts > 0 { add(charge) }
            throw error
        }
    }

    public func add(_ response: ChatResponse) {
        if let charge = response.charge {
            add(charge)
            return
        }
        let usage = response.usage ?? .zero
        add(CallCharge(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, attempts: 1))
    }

    private func add(_ charge: CallCharge) {
        state.withLock {
            $0.llmCalls += 1
            $0.promptTokens += charge.promptTokens
            $0.completionTokens += charge.completionTokens
            $0.costMicroUSD += charge.cost.value
        }
    }

    public func addToolCalls(_ count: Int) {
        state.withLock { $0.toolCalls += count }
    }

    public var usage: RunUsage { state.withLock { $0 } }
}

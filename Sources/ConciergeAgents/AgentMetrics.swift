public import Metrics

/// The task and tool metrics, created from an injected factory.
public struct AgentMetrics: Sendable {
    public static let tasksTotal = "concierge_tasks_total"
    public static let taskDuration = "concierge_task_duration_seconds"
    public static let toolCallsTotal = "concierge_tool_calls_total"
    public static let toolCallDuration = "concierge_tool_call_duration_seconds"
    public static let taskCost = "concierge_task_cost_usd"

    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    public func toolCall(tool: String, outcome: String, duration: Duration) {
        Counter(label: Self.toolCallsTotal, dimensions: [("tool", tool), ("outcome", outcome)], factory: factory).increment()
        Timer(label: Self.toolCallDuration, dimensions: [("tool", tool)], preferredDisplayUnit: .seconds, factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    public func task(outcome: String, duration: Duration, costMicroUSD: Int64) {
        Counter(label: Self.tasksTotal, dimensions: [("outcome", outcome)], factory: factory).increment()
        Timer(label: Self.taskDuration, dimensions: [], preferredDisplayUnit: .seconds, factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        Recorder(label: Self.taskCost, dimensions: [], aggregate: true, factory: factory).record(Double(costMicroUSD) / 1_000_000)
    }
}

/// A person's answer about a side-effecting call that a crash left pending and whose tool could not tell whether it
/// took effect (the run stopped with `error_code` `needs_attention`). Resolving it queues the run again.
public enum StepResolution: Sendable, Equatable {
    /// It took effect: the step counts as succeeded with this output, and the tool is not called again.
    case done(ToolOutput)
    /// It did not: the step runs again, with the same idempotency key.
    case notDone

    public var name: String {
        switch self {
        case .done: "done"
        case .notDone: "not_done"
        }
    }
}

/// The one way runs are written while they execute: writes of many runs share transactions (group commit), and
/// each commit wakes this process's waiters on that run (``signals``).
public final class RunWriter: Sendable {
    public let store: any RunStore
    public let signals: RunSignals
    private let group: GroupCommit<RunWrite, [RunEvent]>

    public init(store: any RunStore, signals: RunSignals = RunSignals()) {
        self.store = store
        self.signals = signals
        self.group = GroupCommit { writes in try await store.commit(writes) }
    }

    /// Returns once `write` is durable, with the events it appended.
    @discardableResult
    public func commit(_ write: RunWrite) async throws -> [RunEvent] {
        let events = try await group.submit(write)
        let finished = write.run?.status.isFinished ?? false
        if finished || !events.isEmpty { signals.signal(write.runID, finished: finished) }
        return events
    }
}

/// The one way runs are written while they execute: writes of many runs share transactions (group commit), and
/// each commit wakes this process's waiters on that run (``signals``).
public final class RunWriter: Sendable {
    public let store: any RunStore
    public let signals: RunSignals
    private let group: GroupCommit<RunWrite, RunWriteResult>

    public init(store: any RunStore, signals: RunSignals = RunSignals()) {
        self.store = store
        self.signals = signals
        self.group = GroupCommit { writes in try await store.commit(writes) }
    }

    /// Returns once `write` is durable, with the events it appended. A finished run whose document was stored is
    /// handed to this process's waiters, which then need not read it back.
    @discardableResult
    public func commit(_ write: RunWrite) async throws -> [RunEvent] {
        let result = try await group.submit(write)
        let finished = write.run?.status.isFinished ?? false
        if finished || !result.events.isEmpty {
            signals.signal(write.runID, finished: finished, run: finished && result.savedDocument ? write.run : nil)
        }
        return result.events
    }
}

import Synchronization

/// One run's journal, event sink and document writer over a ``RunWriter``.
///
/// Progress (events, and the document as of a status change) is buffered, not written at once: it goes into the
/// same transaction as the run's next durable write (a journaled call or a saved document), or is written on its
/// own once it has waited `progressInterval`. So a fast run costs one transaction per durable step rather than one per
/// status change and event, a slow step still shows as started within the interval, the event log never runs ahead
/// of the journal, and a run's plan is durable no later than its first journaled call. A crash loses only progress
/// whose step was not durable either; the run resumes from its last durable document and its journal.
///
/// The run's writes are committed one at a time, in the order their contents were taken from the buffer, so a
/// buffered document never overwrites a later one and events keep their order.
public final class StoredRunJournal: RunJournal, RunEventSink {
    public let writer: RunWriter
    public let runID: String
    /// Also told about every event once written (the CLI's `--verbose`).
    public let observer: (@Sendable (RunEvent) async -> Void)?
    /// Longest that buffered progress waits for a durable write to carry it; `.zero` writes progress at once.
    public let progressInterval: Duration
    private let watch: DeadlineWatch

    private struct State {
        var events: [RunWrite.Event] = []
        var document: TaskRun?
        var timer: DeadlineWatch.Token?
        /// The journal as the caller just read it, answered once instead of reading it again; dropped at the first record.
        var preloaded: [String: ToolCallRecord]?
        var committing = false
        var turns: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// - Parameter journal: the run's whole journal when the caller has just read it (a run loaded with its steps and
    ///   never re-planned), so the first ``journaledCalls()`` needs no read of its own.
    public init(
        writer: RunWriter, runID: String, journal: [String: ToolCallRecord]? = nil, progressInterval: Duration = .milliseconds(200),
        watch: DeadlineWatch = .shared, observer: (@Sendable (RunEvent) async -> Void)? = nil
    ) {
        self.writer = writer
        self.runID = runID
        self.progressInterval = progressInterval
        self.watch = watch
        self.observer = observer
        self.state = Mutex(State(preloaded: journal))
    }

    public func journaledCalls() async throws -> [String: ToolCallRecord] {
        if let known = state.withLock({ state in defer { state.preloaded = nil }; return state.preloaded }) { return known }
        return try await writer.store.journaledCalls(runID: runID)
    }

    /// Writes the call now, with the progress buffered so far.
    public func record(_ call: ToolCallRecord) async throws {
        state.withLock { $0.preloaded = nil }
        try await commit(RunWrite(runID: runID, call: call))
    }

    /// Replaces the run's document now (a cancelled run stays cancelled), with the events buffered so far.
    public func save(_ run: TaskRun) async throws { try await commit(RunWrite(runID: runID, run: run)) }

    public func emit(_ type: String, _ data: JSONValue) async {
        buffer { $0.events.append(RunWrite.Event(type: type, data: data)) }
        if progressInterval == .zero { await flush() }
    }

    public func progress(_ run: TaskRun) async {
        buffer { $0.document = run }
        if progressInterval == .zero { await flush() }
    }

    /// Writes the progress still buffered. A failure is dropped: the journal and the durable document are authoritative.
    public func flush() async {
        try? await commit(RunWrite(runID: runID))
    }

    /// Drops the progress still buffered (a run that stopped with an error or was cancelled: its `done` is written by
    /// whoever ended it, and nothing may follow that).
    public func discardProgress() {
        let timer = state.withLock { state -> DeadlineWatch.Token? in
            state.events.removeAll()
            state.document = nil
            defer { state.timer = nil }
            return state.timer
        }
        if let timer { watch.cancel(timer) }
    }

    /// Adds to the buffer and, when no timer is armed, arms the one that writes it if nothing else does first.
    private func buffer(_ add: (inout State) -> Void) {
        state.withLock { state in
            add(&state)
            guard state.timer == nil, progressInterval > .zero else { return }
            // Registering takes only the watch's own lock, and the watch calls `expire` outside it.
            state.timer = watch.register(.now + progressInterval) { [self] in
                Task { await self.flush() }
            }
        }
    }

    private func commit(_ write: RunWrite) async throws {
        await takeTurn()
        defer { endTurn() }
        var write = write
        let timer = state.withLock { state -> DeadlineWatch.Token? in
            write.events = state.events
            state.events.removeAll()
            if write.run == nil { write.run = state.document }
            state.document = nil
            defer { state.timer = nil }
            return state.timer
        }
        if let timer { watch.cancel(timer) }
        guard !write.isEmpty else { return }
        let events = try await writer.commit(write)
        guard let observer else { return }
        for event in events { await observer(event) }
    }

    private func takeTurn() async {
        let now = state.withLock { state -> Bool in
            guard state.committing else {
                state.committing = true
                return true
            }
            return false
        }
        if now { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resume = state.withLock { state -> Bool in
                guard state.committing else {
                    state.committing = true
                    return true
                }
                state.turns.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    private func endTurn() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.turns.isEmpty else {
                state.committing = false
                return nil
            }
            return state.turns.removeFirst()
        }
        next?.resume()
    }
}

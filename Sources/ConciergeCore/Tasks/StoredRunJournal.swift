import Synchronization

/// One run's journal, event sink and document writer over a ``RunWriter``.
///
/// Events are progress reports: `emit` only buffers them, and they are written in the same transaction as the
/// run's next durable write (a journaled call or a saved document) or by ``flush()``. So the event log never runs
/// ahead of the journal, a run costs one transaction per durable step rather than one per event, and a crash
/// loses only events whose step was not durable either. Emit the events that describe a write before making it.
public final class StoredRunJournal: RunJournal, RunEventSink {
    public let writer: RunWriter
    public let runID: String
    /// Also told about every event once written (the CLI's `--verbose`).
    public let observer: (@Sendable (RunEvent) async -> Void)?
    private let buffered = Mutex<[RunWrite.Event]>([])
    /// The journal as the caller just read it, answered once instead of reading it again; dropped at the first record.
    private let preloaded: Mutex<[String: ToolCallRecord]?>

    /// - Parameter journal: the run's whole journal when the caller has just read it (a run loaded with its steps and
    ///   never re-planned), so the first ``journaledCalls()`` needs no read of its own.
    public init(
        writer: RunWriter, runID: String, journal: [String: ToolCallRecord]? = nil, observer: (@Sendable (RunEvent) async -> Void)? = nil
    ) {
        self.writer = writer
        self.runID = runID
        self.preloaded = Mutex(journal)
        self.observer = observer
    }

    public func journaledCalls() async throws -> [String: ToolCallRecord] {
        if let known = preloaded.withLock({ known in defer { known = nil }; return known }) { return known }
        return try await writer.store.journaledCalls(runID: runID)
    }

    public func record(_ call: ToolCallRecord) async throws {
        preloaded.withLock { $0 = nil }
        try await commit(RunWrite(runID: runID, call: call))
    }

    /// Replaces the run's document (a cancelled run stays cancelled), with the events emitted since the last write.
    public func save(_ run: TaskRun) async throws { try await commit(RunWrite(runID: runID, run: run)) }

    public func emit(_ type: String, _ data: JSONValue) async {
        buffered.withLock { $0.append(RunWrite.Event(type: type, data: data)) }
    }

    /// Writes the events still buffered. A failure is dropped: the journal and document are authoritative.
    public func flush() async {
        guard buffered.withLock({ !$0.isEmpty }) else { return }
        try? await commit(RunWrite(runID: runID))
    }

    private func commit(_ write: RunWrite) async throws {
        var write = write
        write.events = buffered.withLock { events in
            defer { events.removeAll() }
            return events
        }
        let events = try await writer.commit(write)
        guard let observer else { return }
        for event in events { await observer(event) }
    }
}

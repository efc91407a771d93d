/// Something that happened during a run: stored durably in order, replayed to SSE clients from `Last-Event-ID`.
public struct RunEvent: Sendable, Hashable, Codable {
    /// Increasing per run, from 1.
    public var sequence: Int
    /// `status`, `plan`, `step_started`, `step_finished`, `verification`, `done`.
    public var type: String
    public var data: JSONValue

    public init(sequence: Int, type: String, data: JSONValue) {
        self.sequence = sequence
        self.type = type
        self.data = data
    }
}

/// Receives a run's progress as it happens (the store, the CLI's `--verbose`, tests).
public protocol RunEventSink: Sendable {
    func emit(_ type: String, _ data: JSONValue) async
    /// The run as of a status change: progress like an event, stored with the run's next durable write (or by the
    /// sink's own bound on how long progress may wait), never on its own at once.
    func progress(_ run: TaskRun) async
    /// Makes the progress reported so far visible now rather than with the next durable write.
    func flush() async
}

extension RunEventSink {
    public func progress(_ run: TaskRun) async {}
    public func flush() async {}
}

/// Drops every event.
public struct DiscardingEventSink: RunEventSink {
    public init() {}
    public func emit(_ type: String, _ data: JSONValue) async {}
}

/// One run's changes, written by ``RunStore/commit(_:)`` in one transaction: the document (replaced unless the
/// run was cancelled), the job link, one journaled tool call, and events appended in order.
public struct RunWrite: Sendable {
    public struct Event: Sendable {
        public var type: String
        public var data: JSONValue

        public init(type: String, data: JSONValue) {
            self.type = type
            self.data = data
        }
    }

    public var runID: String
    public var run: TaskRun?
    public var jobID: Int64?
    public var call: ToolCallRecord?
    public var events: [Event]

    public init(runID: String, run: TaskRun? = nil, jobID: Int64? = nil, call: ToolCallRecord? = nil, events: [Event] = []) {
        self.runID = runID
        self.run = run
        self.jobID = jobID
        self.call = call
        self.events = events
    }

    public var isEmpty: Bool { run == nil && jobID == nil && call == nil && events.isEmpty }
}

/// What ``RunStore/commit(_:)`` did with one ``RunWrite``: the events it appended, and whether it replaced the
/// document (false without a document, or when the run had been cancelled and kept its cancelled document).
public struct RunWriteResult: Sendable, Equatable {
    public var events: [RunEvent]
    public var savedDocument: Bool

    public init(events: [RunEvent], savedDocument: Bool) {
        self.events = events
        self.savedDocument = savedDocument
    }
}

public import Foundation

/// Durable runs: the run document, its tool-call journal and its event log. `SQLiteStore` and `PostgresStore`
/// implement it in the tables of migration 4 (`create_task_runs`) and pass `RunStoreContractTests`.
public protocol RunStore: Sendable {
    /// Inserts a new run. With an idempotency key already used, returns the existing run and `created == false`.
    func createRun(_ run: TaskRun, idempotencyKey: String?) async throws -> (run: TaskRun, created: Bool)

    /// The job executing a run, if any.
    func jobID(of runID: String) async throws -> Int64?

    /// The run with its journaled steps, or nil.
    func run(_ id: String) async throws -> TaskRun?

    /// Newest first; `cursor` is the last id of the previous page.
    /// Newest first; `owner` limits the list to one submitter's runs.
    func listRuns(status: RunStatus?, owner: String?, limit: Int, after cursor: String?) async throws -> [TaskRun]

    func journaledCalls(runID: String) async throws -> [String: ToolCallRecord]

    /// Applies each write (see ``RunWrite``) in order, all in one transaction; returns what each write did.
    func commit(_ writes: [RunWrite]) async throws -> [RunWriteResult]

    /// Events with a sequence above `after`, in order.
    func events(runID: String, after: Int) async throws -> [RunEvent]

    /// Deletes finished runs (with journals and events) created before `cutoff`; returns how many.
    func deleteFinishedRuns(before cutoff: Date) async throws -> Int
}

/// Single writes, each one ``RunStore/commit(_:)`` of one ``RunWrite``.
extension RunStore {
    /// Replaces the run's document (not its journal). A cancelled run stays cancelled.
    public func saveRun(_ run: TaskRun) async throws {
        _ = try await commit([RunWrite(runID: run.id, run: run)])
    }

    /// Links a run to the job that executes it.
    public func setJob(_ runID: String, jobID: Int64) async throws {
        _ = try await commit([RunWrite(runID: runID, jobID: jobID)])
    }

    /// Journals a tool call (replacing the step's earlier record).
    public func recordCall(runID: String, _ call: ToolCallRecord) async throws {
        _ = try await commit([RunWrite(runID: runID, call: call)])
    }

    /// Appends an event with the next sequence number and returns it.
    @discardableResult
    public func appendEvent(runID: String, type: String, data: JSONValue) async throws -> RunEvent {
        try await commit([RunWrite(runID: runID, events: [.init(type: type, data: data)])])[0].events[0]
    }
}

/// Run ids sort by creation time: `task_` + 12 hex digits of milliseconds + 16 random hex digits (64 bits, so runs
/// made in the same millisecond do not collide; ids of earlier versions had 8).
public enum TaskID {
    public static func make(now: Date = Date()) -> String {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        var generator = BufferedRandom()
        let random = generator.next() as UInt64
        return String(unsafeUninitializedCapacity: 33) { buffer in
            for (index, byte) in "task_".utf8.enumerated() { buffer[index] = byte }
            HexDigits.write(millis, digits: 12, into: buffer, at: 5)
            HexDigits.write(random, digits: 16, into: buffer, at: 17)
            return 33
        }
    }
}

/// Errors of the task service, safe to show clients.
public struct TaskError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable { case invalidRequest = "invalid_request", notFound = "not_found", conflict }
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

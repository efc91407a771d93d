import ConciergeCore
import Foundation
import Logging
import Synchronization

/// A journal in memory, with the events and saved runs, for agent tests.
final class MemoryRunRecorder: RunJournal, RunEventSink {
    private let state = Mutex<(calls: [String: ToolCallRecord], events: [(String, JSONValue)], saves: [TaskRun], progress: [TaskRun])>(([:], [], [], []))

    func journaledCalls() async throws -> [String: ToolCallRecord] { state.withLock { $0.calls } }
    func record(_ call: ToolCallRecord) async throws { state.withLock { $0.calls[call.stepID] = call } }
    func emit(_ type: String, _ data: JSONValue) async { state.withLock { $0.events.append((type, data)) } }
    func save(_ run: TaskRun) { state.withLock { $0.saves.append(run) } }
    func progress(_ run: TaskRun) async { state.withLock { $0.progress.append(run) } }

    /// The statuses reported as progress, then the statuses saved, in order.
    var progressStatuses: [RunStatus] { state.withLock { $0.progress.map(\.status) } }
    var savedStatuses: [RunStatus] { state.withLock { $0.saves.map(\.status) } }

    var calls: [String: ToolCallRecord] { state.withLock { $0.calls } }
    var eventTypes: [String] { state.withLock { $0.events.map(\.0) } }
    func events(_ type: String) -> [JSONValue] { state.withLock { $0.events.filter { $0.0 == type }.map(\.1) } }
}

/// A tool that counts its calls and answers from a closure.
final class CountingTool: Tool {
    let name: String
    let description = "test tool"
    let parametersSchema: JSONValue = ["type": "object", "properties": ["input": ["type": "string"]], "additionalProperties": false]
    let hasSideEffects: Bool
    let timeout: Duration
    private let count = Mutex(0)
    private let body: @Sendable (Int, ToolArguments) async throws -> ToolOutput

    init(_ name: String, sideEffects: Bool = false, timeout: Duration = .seconds(5),
         body: @escaping @Sendable (Int, ToolArguments) async throws -> ToolOutput = { _, arguments in
             ToolOutput(text: "echo \(arguments["input"]?.stringValue ?? "")", data: ["input": arguments["input"] ?? .null])
         }) {
        self.name = name
        self.hasSideEffects = sideEffects
        self.timeout = timeout
        self.body = body
    }

    var calls: Int { count.withLock { $0 } }

    func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        let call = count.withLock { $0 += 1; return $0 }
        return try await body(call, arguments)
    }
}

extension Logger {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
}

extension TaskRun {
    static func fresh(_ task: String, planner: TaskRequest.PlannerChoice = .auto, outputSchema: JSONValue? = nil) -> TaskRun {
        TaskRun(id: "run-\(UUID().uuidString.prefix(8))", request: TaskRequest(task: task, outputSchema: outputSchema, planner: planner), createdAt: Date())
    }
}

public import ConciergeCore
import Foundation
import HTTPTypes
public import Hummingbird

/// `/v1/tasks`: submit a task (optionally waiting for it), read, list, cancel, resolve a step left for a person, and
/// follow its events (SSE).
public struct TasksController: Sendable {
    let tasks: any TaskService
    let heartbeat: Duration
    let pollInterval: Duration

    public init(tasks: any TaskService, heartbeat: Duration = .seconds(15), pollInterval: Duration = .milliseconds(100)) {
        self.tasks = tasks
        self.heartbeat = heartbeat
        self.pollInterval = pollInterval
    }

    public func register(on router: Router<AppRequestContext>) {
        let group = router.group("/v1/tasks")
        group.post { request, context in try await self.create(request, context: context) }
        group.get { request, context in try await self.list(request, context: context) }
        group.get("/{id}") { _, context in try await self.show(context) }
        group.post("/{id}/cancel") { _, context in try await self.cancel(context) }
        group.post("/{id}/resolve") { request, context in try await self.resolve(request, context: context) }
        group.get("/{id}/events") { request, context in try await self.events(request, context: context) }
    }

    /// `POST /v1/tasks`'s body, read by hand from the parsed JSON (every submission pays for it): an optional field
    /// may be missing or null, a field of the wrong type is a 400 naming it, unknown fields are ignored.
    struct CreateBody {
        var task: String?
        var outputSchema: JSONValue?
        var wait: Double?
        var idempotencyKey: String?
        var metadata: JSONValue?
        var planner: String?

        init(json: JSONFields) throws(JSONShapeError) {
            task = try json.optionalString("task")
            outputSchema = json.value("output_schema")
            wait = try json.optionalDouble("wait")
            idempotencyKey = try json.optionalString("idempotency_key")
            metadata = json.value("metadata")
            planner = try json.optionalString("planner")
        }
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.read(from: request, context: context, CreateBody.init(json:))
        guard let task = body.task else { throw APIError.badRequest("task is required.") }
        let wait = body.wait ?? 0
        guard wait.isFinite, (0...60).contains(wait) else { throw APIError.badRequest("wait must be a number of seconds from 0 to 60.") }
        let planner = try body.planner.map { raw in
            guard let choice = TaskRequest.PlannerChoice(rawValue: raw) else { throw APIError.badRequest("planner must be one of auto, llm, rules.") }
            return choice
        } ?? .auto
        if let schema = body.outputSchema, schema.objectValue == nil { throw APIError.badRequest("output_schema must be a JSON Schema object.") }
        let key = body.idempotencyKey ?? request.headers[HTTPField.Name("Idempotency-Key")!]
        if let key, key.isEmpty || key.utf8.count > 200 { throw APIError.badRequest("idempotency_key must be 1 to 200 bytes.") }
        let owner = context.principal?.id
        let taskRequest = TaskRequest(task: task, outputSchema: body.outputSchema, planner: planner, metadata: body.metadata, owner: owner)
        // Idempotency keys are scoped to their caller: another caller's key never returns their run.
        let scopedKey = key.map { "\(owner ?? "-"):\($0)" }
        let run = try await Self.mapErrors {
            guard wait > 0 else { return try await tasks.submit(taskRequest, idempotencyKey: scopedKey) }
            return try await tasks.submit(taskRequest, idempotencyKey: scopedKey, waitingUpTo: .milliseconds(Int64(wait * 1000)))
        }
        return Self.json(run, status: run.status.isFinished ? .ok : .accepted)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let status = try parameters["status"].map { raw in
            guard let status = RunStatus(rawValue: String(raw)) else {
                throw APIError.badRequest("status must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return status
        }
        let limit = try parameters["limit"].map { raw -> Int in
            guard let value = Int(raw), (1...200).contains(value) else { throw APIError.badRequest("limit must be an integer from 1 to 200.") }
            return value
        } ?? 20
        let cursor = parameters["cursor"].map(String.init)
        let owner = TaskAccess.canReadAll(context) ? nil : context.principal?.id
        let runs = try await tasks.list(status: status, owner: owner, limit: limit + 1, after: cursor)
        let page = Array(runs.prefix(limit))
        return Self.json(TaskList(tasks: page, nextCursor: runs.count > limit ? page.last?.id : nil))
    }

    struct TaskList {
        let tasks: [TaskRun]
        let nextCursor: String?
    }

    func show(_ context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        return Self.json(try await TaskAccess.readable(id, tasks: tasks, context: context))
    }

    func cancel(_ context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let run = try await TaskAccess.readable(id, tasks: tasks, context: context)
        try TaskAccess.requireActor(on: run, context: context)
        return Self.json(try await Self.mapErrors { try await tasks.cancel(id) })
    }

    static func id(_ context: AppRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.utf8.count <= 64 else { throw APIError.badRequest("Task id is invalid.") }
        return id
    }

    static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as TaskError {
            switch error.code {
            case .notFound: throw APIError.notFound(error.message)
            case .conflict: throw APIError(.conflict, code: "conflict", message: error.message)
            case .invalidRequest: throw APIError.badRequest(error.message)
            }
        }
    }

    /// A run as the API shows it: its `Codable` form with ISO 8601 dates, written by hand (``RunJSON``).
    static func json(_ run: TaskRun, status: HTTPResponse.Status = .ok) -> Response {
        var json = JSONBytes(capacity: 2048)
        RunJSON.write(run, dates: .iso8601, to: &json)
        return response(json.bytes, status: status)
    }

    /// `{"next_cursor":…,"tasks":[…]}`, keys sorted as everywhere else.
    static func json(_ list: TaskList) -> Response {
        var json = JSONBytes(capacity: 2048 * max(1, list.tasks.count))
        json.raw("{")
        json.field(#""next_cursor":"#, list.nextCursor) { $0.string($1); $0.raw(",") }
        json.raw(#""tasks":["#)
        for (index, run) in list.tasks.enumerated() {
            if index > 0 { json.raw(",") }
            RunJSON.write(run, dates: .iso8601, to: &json)
        }
        json.raw("]}")
        return response(json.bytes)
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        value.write(into: &bytes)
        return response(bytes, status: status)
    }

    private static func response(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

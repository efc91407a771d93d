public import ConciergeCore
import Foundation
public import Hummingbird

/// The operator API for the job queue: `GET /admin/queues` and everything under `/admin/jobs`.
/// Guarded by ``AccessMiddleware`` (reads need analyst, changes admin; see ``AccessPolicy/standard``).
public struct JobsAdminController: Sendable {
    let jobs: any JobStore

    public init(jobs: any JobStore) {
        self.jobs = jobs
    }

    public func register(on router: Router<AppRequestContext>) {
        let admin = router.group("/admin")
        admin.get("/queues") { _, _ in try await self.queues() }
        admin.get("/jobs") { request, _ in try await self.list(request, state: nil) }
        admin.post("/jobs") { request, context in try await self.enqueue(request, context: context) }
        admin.get("/jobs/dead") { request, _ in try await self.list(request, state: .dead) }
        admin.post("/jobs/retry-dead") { request, context in try await self.retryAllDead(request, context: context) }
        admin.post("/jobs/cleanup") { request, context in try await self.cleanup(request, context: context) }
        admin.post("/jobs/release-stale") { request, context in try await self.releaseStale(request, context: context) }
        admin.get("/jobs/{id}") { _, context in try await self.show(context) }
        admin.delete("/jobs/{id}") { _, context in try await self.delete(context) }
        admin.post("/jobs/{id}/retry") { _, context in try await self.act(context) { try await jobs.retry($0) } }
        admin.post("/jobs/{id}/cancel") { _, context in try await self.act(context) { try await jobs.cancel($0) } }
        admin.post("/jobs/{id}/archive") { _, context in try await self.act(context) { try await jobs.archive($0) } }
    }

    func queues() async throws -> Response {
        let counts = try await mapErrors { try await jobs.counts() }
        return Self.json(JobsAdminDTO.Queues(queues: counts.map(JobsAdminDTO.Queue.init)))
    }

    func list(_ request: Request, state fixed: JobState?) async throws -> Response {
        let parameters = request.uri.queryParameters
        let queue = parameters["queue"].map(String.init)
        var state = fixed
        if fixed == nil, let raw = parameters["state"] {
            guard let parsed = JobState(rawValue: String(raw)) else {
                throw APIError.badRequest("state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            state = parsed
        }
        let limit = try parameters["limit"].map { raw -> Int in
            guard let value = Int(raw), (1...500).contains(value) else { throw APIError.badRequest("limit must be an integer from 1 to 500.") }
            return value
        } ?? 50
        let cursor = try parameters["cursor"].map { raw -> JobID in
            guard let value = JobID(raw) else { throw APIError.badRequest("cursor must be a next_cursor from a previous page.") }
            return value
        }
        let page = try await mapErrors { try await jobs.list(JobListQuery(queue: queue, state: state, limit: limit, before: cursor)) }
        return Self.json(JobsAdminDTO.JobList(jobs: page.jobs.map { .init($0, withAttempts: false) }, nextCursor: page.nextCursor.map(String.init)))
    }

    func show(_ context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        guard let record = try await mapErrors({ try await jobs.job(id) }) else { throw Self.notFound(id) }
        return Self.json(JobsAdminDTO.Job(record, withAttempts: true))
    }

    func delete(_ context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        try await mapErrors { try await jobs.delete(id) }
        return Response(status: .noContent)
    }

    func act(_ context: AppRequestContext, _ action: @Sendable (JobID) async throws -> JobRecord) async throws -> Response {
        let id = try Self.id(context)
        let record = try await mapErrors { try await action(id) }
        return Self.json(JobsAdminDTO.Job(record, withAttempts: true))
    }

    static func id(_ context: AppRequestContext) throws -> JobID {
        guard let raw = context.parameters.get("id"), let id = JobID(raw), id > 0 else {
            throw APIError.badRequest("Job id must be a positive integer.")
        }
        return id
    }

    static func notFound(_ id: JobID) -> APIError { .notFound("Job \(id) does not exist.") }

    /// Runs a store call, turning the queue's own errors into API errors.
    func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as JobsError {
            switch error.code {
            case .notFound: throw APIError.notFound(error.message)
            case .conflict: throw APIError(.conflict, code: "conflict", message: error.message)
            default: throw APIError.badRequest(error.message)
            }
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

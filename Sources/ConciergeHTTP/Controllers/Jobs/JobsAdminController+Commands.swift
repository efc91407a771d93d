import ConciergeCore
import Foundation
import Hummingbird

extension JobsAdminController {
    struct EnqueueBody: Decodable {
        let queue: String
        let payload: JSONValue?
        let priority: Int?
        let delayS: Double?
        let maxAttempts: Int?
        let idempotencyKey: String?

        enum CodingKeys: String, CodingKey {
            case queue, payload, priority
            case delayS = "delay_s", maxAttempts = "max_attempts", idempotencyKey = "idempotency_key"
        }
    }

    /// `POST /admin/jobs`: 201 with the new job, or 200 with the existing one for a repeated idempotency key.
    func enqueue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.decode(EnqueueBody.self, from: request, context: context)
        if let delay = body.delayS, !(0...31_536_000).contains(delay) {
            throw APIError.badRequest("delay_s must be from 0 to 31536000.")
        }
        let enqueueRequest = try await mapErrors {
            try EnqueueRequest(
                queue: body.queue, payload: (body.payload ?? .object([:])).text, priority: body.priority ?? 0,
                runAt: body.delayS.map { jobs.clock.now().addingTimeInterval($0) },
                maxAttempts: body.maxAttempts ?? EnqueueRequest.defaultMaxAttempts, idempotencyKey: body.idempotencyKey
            )
        }
        let result = try await mapErrors { try await jobs.enqueue(enqueueRequest) }
        guard let record = try await jobs.job(result.id) else { throw Self.notFound(result.id) }
        return Self.json(JobsAdminDTO.Job(record, withAttempts: false), status: result.created ? .created : .ok)
    }

    struct QueueBody: Decodable { let queue: String }

    func retryAllDead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.decode(QueueBody.self, from: request, context: context)
        try await mapErrors { try EnqueueRequest.validate(queue: body.queue) }
        let count = try await mapErrors { try await jobs.retryAllDead(queue: body.queue) }
        return Self.json(JobsAdminDTO.Count(key: "retried", value: count))
    }

    struct CleanupBody: Decodable {
        let olderThanDays: Double
        enum CodingKeys: String, CodingKey { case olderThanDays = "older_than_days" }
    }

    func cleanup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.decode(CleanupBody.self, from: request, context: context)
        guard body.olderThanDays >= 0, body.olderThanDays <= 36_500 else { throw APIError.badRequest("older_than_days must be from 0 to 36500.") }
        let cutoff = jobs.clock.now().addingTimeInterval(-body.olderThanDays * 86_400)
        let count = try await mapErrors { try await jobs.deleteFinished(before: cutoff) }
        return Self.json(JobsAdminDTO.Count(key: "deleted", value: count))
    }

    struct ReleaseBody: Decodable {
        let olderThanSeconds: Double
        enum CodingKeys: String, CodingKey { case olderThanSeconds = "older_than_seconds" }
    }

    func releaseStale(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.decode(ReleaseBody.self, from: request, context: context)
        guard body.olderThanSeconds >= 1, body.olderThanSeconds <= 31_536_000 else {
            throw APIError.badRequest("older_than_seconds must be from 1 to 31536000.")
        }
        let count = try await mapErrors { try await jobs.releaseStale(olderThan: .milliseconds(Int64(body.olderThanSeconds * 1000))) }
        return Self.json(JobsAdminDTO.Count(key: "released", value: count))
    }
}

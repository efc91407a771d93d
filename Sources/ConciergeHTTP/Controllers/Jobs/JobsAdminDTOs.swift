import ConciergeCore
import Foundation

/// The admin API's JSON shapes (snake_case keys, RFC 3339 times with milliseconds).
enum JobsAdminDTO {
    static func time(_ date: Date?) -> String? {
        guard let date else { return nil }
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    struct Attempt: Encodable {
        let number: Int
        let workerID: String?
        let startedAt: String?
        let finishedAt: String?
        let outcome: String
        let error: String?

        enum CodingKeys: String, CodingKey {
            case number, outcome, error
            case workerID = "worker_id", startedAt = "started_at", finishedAt = "finished_at"
        }

        init(_ attempt: JobAttempt) {
            number = attempt.number
            workerID = attempt.workerID
            startedAt = time(attempt.startedAt)
            finishedAt = time(attempt.finishedAt)
            outcome = attempt.outcome.rawValue
            error = attempt.error
        }
    }

    struct Job: Encodable {
        let id: JobID
        let queue: String
        let state: String
        let priority: Int
        let payload: JSONValue
        let result: JSONValue?
        let attempts: Int
        let maxAttempts: Int
        let remainingAttempts: Int
        let idempotencyKey: String?
        let runAt, createdAt, updatedAt: String?
        let claimedAt, finishedAt, leaseExpiresAt: String?
        let leaseOwner: String?
        let cancelRequested: Bool
        let lastError: String?
        let attemptHistory: [Attempt]?

        enum CodingKeys: String, CodingKey {
            case id, queue, state, priority, payload, result, attempts
            case maxAttempts = "max_attempts", remainingAttempts = "remaining_attempts", idempotencyKey = "idempotency_key"
            case runAt = "run_at", createdAt = "created_at", updatedAt = "updated_at", claimedAt = "claimed_at"
            case finishedAt = "finished_at", leaseExpiresAt = "lease_expires_at", leaseOwner = "lease_owner"
            case cancelRequested = "cancel_requested", lastError = "last_error", attemptHistory = "attempt_history"
        }

        init(_ record: JobRecord, withAttempts: Bool) {
            id = record.id
            queue = record.queue
            state = record.state.rawValue
            priority = record.priority
            payload = JSONValue(text: record.payload)
            result = record.result.map(JSONValue.init(text:))
            attempts = record.attempts
            maxAttempts = record.maxAttempts
            remainingAttempts = record.remainingAttempts
            idempotencyKey = record.idempotencyKey
            runAt = time(record.runAt)
            createdAt = time(record.createdAt)
            updatedAt = time(record.updatedAt)
            claimedAt = time(record.claimedAt)
            finishedAt = time(record.finishedAt)
            leaseExpiresAt = time(record.leaseExpiresAt)
            leaseOwner = record.leaseOwner
            cancelRequested = record.cancelRequested
            lastError = record.lastError
            attemptHistory = withAttempts ? record.attemptHistory.map(Attempt.init) : nil
        }
    }

    struct JobList: Encodable {
        let jobs: [Job]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case jobs
            case nextCursor = "next_cursor"
        }
    }

    struct Queue: Encodable {
        let queue: String
        let waiting, scheduled, active, completed, failed, dead, cancelled: Int
        let oldestWaitingAgeS: Double?

        enum CodingKeys: String, CodingKey {
            case queue, waiting, scheduled, active, completed, failed, dead, cancelled
            case oldestWaitingAgeS = "oldest_waiting_age_s"
        }

        init(_ counts: QueueCounts) {
            queue = counts.queue
            waiting = counts.waiting
            scheduled = counts.scheduled
            active = counts.active
            completed = counts.completed
            failed = counts.failed
            dead = counts.dead
            cancelled = counts.cancelled
            oldestWaitingAgeS = counts.oldestWaitingAgeSeconds.map { ($0 * 1000).rounded() / 1000 }
        }
    }

    struct Queues: Encodable { let queues: [Queue] }

    struct Count: Encodable {
        let key: String
        let value: Int
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(value, forKey: AnyKey(stringValue: key))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

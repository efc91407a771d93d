public import Foundation


/// Everything known about one job, as the admin surfaces show it.
public struct JobRecord: Sendable, Equatable, Codable {
    public var id: JobID
    public var queue: String
    public var state: JobState
    public var priority: Int
    /// The JSON payload, exactly as enqueued.
    public var payload: String
    /// The JSON result of a completed job.
    public var result: String?
    /// How many times the job was started (claimed), including released and lost attempts.
    public var attempts: Int
    /// How many more starts the job may use before it is dead-lettered.
    public var remainingAttempts: Int
    public var maxAttempts: Int
    public var idempotencyKey: String?
    public var runAt: Date
    public var createdAt: Date
    public var updatedAt: Date
    /// When the current or last attempt started.
    public var claimedAt: Date?
    public var finishedAt: Date?
    /// The worker holding the lease, or the last one that did.
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var cancelRequested: Bool
    public var lastError: String?
    /// Every attempt, oldest first. Filled by `job(_:)`; empty in lists.
    public var attemptHistory: [JobAttempt]

    public init(
        id: JobID, queue: String, state: JobState, priority: Int, payload: String, result: String?, attempts: Int,
        remainingAttempts: Int, maxAttempts: Int, idempotencyKey: String?, runAt: Date, createdAt: Date, updatedAt: Date,
        claimedAt: Date?, finishedAt: Date?, leaseOwner: String?, leaseExpiresAt: Date?, cancelRequested: Bool,
        lastError: String?, attemptHistory: [JobAttempt] = []
    ) {
        self.id = id
        self.queue = queue
        self.state = state
        self.priority = priority
        self.payload = payload
        self.result = result
        self.attempts = attempts
        self.remainingAttempts = remainingAttempts
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
        self.runAt = runAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.cancelRequested = cancelRequested
        self.lastError = lastError
        self.attemptHistory = attemptHistory
    }
}

/// The state a store keeps in its `state` column.
package enum StoredJobState: String, Sendable {
    case queued, active, completed, dead, cancelled, archived

    /// The operator-facing state at `now`.
    package func publicState(runAt: Date, attempts: Int, attemptFloor: Int, now: Date) -> JobState {
        switch self {
        case .queued:
            if runAt <= now { return .waiting }
            return attempts > attemptFloor ? .failed : .scheduled
        case .active: return .active
        case .completed: return .completed
        case .dead: return .dead
        case .cancelled: return .cancelled
        case .archived: return .archived
        }
    }
}

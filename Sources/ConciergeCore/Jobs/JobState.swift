public import Foundation

/// A job's identifier: an integer assigned by the store, increasing in enqueue order.
public typealias JobID = Int64

/// Where a job stands, as operators see it.
///
/// The stores keep five stored states (`queued`, `active`, `completed`, `dead`, `cancelled`, plus `archived`);
/// `waiting`, `scheduled` and `failed` are the three faces of a queued job at a given time.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Queued and runnable now.
    case waiting
    /// Queued with a start time in the future, not yet tried.
    case scheduled
    /// Its last attempt failed; waiting out the backoff before the next attempt.
    case failed
    /// Claimed by a worker that holds its lease.
    case active
    /// Finished successfully, with a result.
    case completed
    /// Every attempt was spent; each attempt's error is kept.
    case dead
    /// Cancelled before it finished.
    case cancelled
    /// Taken out of the dead-letter list by an operator; kept until the retention sweep.
    case archived

    /// Whether the job will never run again unless an operator retries it.
    public var isFinished: Bool {
        switch self {
        case .completed, .dead, .cancelled, .archived: true
        case .waiting, .scheduled, .failed, .active: false
        }
    }
}

/// How one attempt ended.
public enum JobAttemptOutcome: String, Sendable, Codable {
    case running
    case completed
    case failed
    /// The worker stopped renewing its lease (crashed, killed or cut off) and the lease ran out.
    case leaseExpired = "lease_expired"
    /// The worker gave the job back at shutdown (or an operator released it); not counted against the budget.
    case released
    case cancelled
}

/// One run of a job's handler.
public struct JobAttempt: Sendable, Equatable, Codable {
    /// 1 for the first start, increasing with every claim.
    public var number: Int
    public var workerID: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: JobAttemptOutcome
    public var error: String?

    public init(number: Int, workerID: String?, startedAt: Date, finishedAt: Date?, outcome: JobAttemptOutcome, error: String?) {
        self.number = number
        self.workerID = workerID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
    }
}


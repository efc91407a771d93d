public import Foundation

/// Proof that a worker holds a job: the worker and the attempt number it claimed.
/// Every acknowledgement carries it, so a worker whose lease ran out cannot finish a job another worker now runs.
public struct JobLease: Sendable, Hashable {
    public var jobID: JobID
    public var workerID: String
    /// The attempt number the claim produced (unique per job, increasing).
    public var attempt: Int

    public init(jobID: JobID, workerID: String, attempt: Int) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
    }
}

/// A job handed to a worker by `claim`.
public struct ClaimedJob: Sendable, Equatable {
    public var id: JobID
    public var queue: String
    public var payload: String
    public var priority: Int
    /// This attempt's number (1 for the first start).
    public var attempt: Int
    /// How many attempts this one included the budget still allows (1 means this is the last).
    public var remainingAttempts: Int
    /// When the job became due (its start time, or when its backoff ended).
    public var runAt: Date
    public var createdAt: Date
    public var claimedAt: Date
    public var leaseExpiresAt: Date
    public var lease: JobLease

    public init(
        id: JobID, queue: String, payload: String, priority: Int, attempt: Int, remainingAttempts: Int, runAt: Date,
        createdAt: Date, claimedAt: Date, leaseExpiresAt: Date, workerID: String
    ) {
        self.id = id
        self.queue = queue
        self.payload = payload
        self.priority = priority
        self.attempt = attempt
        self.remainingAttempts = remainingAttempts
        self.runAt = runAt
        self.createdAt = createdAt
        self.claimedAt = claimedAt
        self.leaseExpiresAt = leaseExpiresAt
        self.lease = JobLease(jobID: id, workerID: workerID, attempt: attempt)
    }
}

/// How a worker finished an attempt.
public enum JobOutcome: Sendable, Equatable {
    /// Done; `result` is a JSON document.
    case completed(result: String)
    /// The attempt failed: retried after `retryDelay` if the budget allows, otherwise dead-lettered.
    case failed(error: String, retryDelay: Duration)
    /// The handler stopped because the job was cancelled.
    case cancelled
}

/// One acknowledgement in a batch passed to `JobStore.finish(_:)`.
public struct JobCompletion: Sendable, Equatable {
    public var lease: JobLease
    public var outcome: JobOutcome

    public init(lease: JobLease, outcome: JobOutcome) {
        self.lease = lease
        self.outcome = outcome
    }
}

/// What a heartbeat learned about the leases it renewed.
public struct LeaseRenewal: Sendable, Equatable {
    /// Leases the worker no longer holds (expired and reaped, released, or finished elsewhere): stop their handlers.
    public var lost: [JobLease]
    /// Jobs an operator asked to cancel: cancel their handlers.
    public var cancelRequested: [JobLease]

    public init(lost: [JobLease] = [], cancelRequested: [JobLease] = []) {
        self.lost = lost
        self.cancelRequested = cancelRequested
    }
}

extension JobAttempt {
    /// The attempt a job row describes itself (the running one, or the one that completed it), which the
    /// stores do not write to the attempts table to keep the fast path to one row update.
    package static func current(of record: JobRecord) -> JobAttempt? {
        guard record.attempts > 0, let started = record.claimedAt else { return nil }
        switch record.state {
        case .active:
            return JobAttempt(number: record.attempts, workerID: record.leaseOwner, startedAt: started, finishedAt: nil, outcome: .running, error: nil)
        case .completed:
            return JobAttempt(
                number: record.attempts, workerID: record.leaseOwner, startedAt: started, finishedAt: record.finishedAt,
                outcome: .completed, error: nil
            )
        case .archived where record.result != nil:
            return JobAttempt(
                number: record.attempts, workerID: record.leaseOwner, startedAt: started, finishedAt: record.finishedAt,
                outcome: .completed, error: nil
            )
        default:
            return nil
        }
    }
}

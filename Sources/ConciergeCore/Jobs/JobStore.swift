public import Foundation

/// Durable job storage: a crash-safe queue with leases, retries, a dead-letter state and admin operations.
///
/// `SQLiteJobStore` and `PostgresJobStore` pass the same contract suite (`JobStoreContractTests`). Every time
/// comparison uses ``clock`` so tests can move time by hand.
public protocol JobStore: Sendable {
    var clock: any JobClock { get }
    /// Signalled when work may be due; workers wait on it between claims.
    var notifier: JobNotifier { get }

    /// Enqueues jobs, in order, in one transaction. A request whose idempotency key already exists on its
    /// queue returns the existing job with `created == false`.
    func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult]

    /// Claims up to `limit` due jobs of `queue` (highest priority first, then earliest start), leasing each to
    /// `workerID` for `leaseDuration`. Jobs whose lease ran out become claimable once ``reapExpiredLeases()``
    /// ran (workers call it every reap interval), which keeps the claim itself to one indexed statement.
    func claim(queue: String, limit: Int, workerID: String, leaseDuration: Duration) async throws -> [ClaimedJob]

    /// Extends the leases still held by their worker. Reports leases that were lost and jobs to cancel.
    func renewLeases(_ leases: [JobLease], leaseDuration: Duration) async throws -> LeaseRenewal

    /// Records outcomes in one transaction. Returns the leases that were still held and so were applied;
    /// outcomes for lost leases are ignored (another worker owns that job now).
    @discardableResult
    func finish(_ completions: [JobCompletion]) async throws -> [JobLease]

    /// Gives held jobs back at once (shutdown): due now, and the attempt does not count against the budget.
    @discardableResult
    func release(_ leases: [JobLease]) async throws -> Int

    /// Makes every job whose lease ran out claimable again (or dead, when that was its last attempt), recording
    /// the lost attempt as `lease_expired`. Returns how many were reaped.
    @discardableResult
    func reapExpiredLeases() async throws -> Int

    /// Cancels a job: a queued one never starts; a running one is flagged and its worker cancels the handler
    /// at its next heartbeat. Throws `conflict` for a finished job, `notFound` for an unknown one.
    func cancel(_ id: JobID) async throws -> JobRecord

    /// One job with its attempt history, or nil.
    func job(_ id: JobID) async throws -> JobRecord?

    func list(_ query: JobListQuery) async throws -> JobPage

    /// Counts per queue, for every queue that has jobs.
    func counts() async throws -> [QueueCounts]

    /// Seconds since the oldest waiting job (of any queue) became due, or nil when none waits. Cheap: for readiness.
    func oldestWaitingAge() async throws -> Double?

    /// Runs a dead, cancelled or archived job again with a fresh attempt budget. Throws `conflict` otherwise.
    func retry(_ id: JobID) async throws -> JobRecord

    /// Retries every dead job of `queue`; returns how many.
    func retryAllDead(queue: String) async throws -> Int

    /// Moves a finished job to `archived` (out of the dead-letter list; still swept by retention).
    func archive(_ id: JobID) async throws -> JobRecord

    /// Deletes a job that is not active. Throws `conflict` for an active job.
    func delete(_ id: JobID) async throws

    /// Deletes finished jobs (completed, dead, cancelled, archived) that finished before `cutoff`.
    func deleteFinished(before cutoff: Date) async throws -> Int

    /// Releases the leases of jobs claimed more than `age` ago (stuck workers); the attempt is recorded as
    /// `lease_expired` and counted. Returns how many.
    func releaseStale(olderThan age: Duration) async throws -> Int
}

extension JobStore {
    /// Enqueues one job.
    public func enqueue(_ request: EnqueueRequest) async throws -> EnqueueResult {
        let results = try await enqueue([request])
        guard let first = results.first else { throw JobsError.invalidRequest("enqueue returned nothing") }
        return first
    }
}

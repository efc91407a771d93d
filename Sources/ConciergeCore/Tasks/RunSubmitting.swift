/// A run store whose database also holds the job queue submits a run in one transaction: the run, the job that
/// executes it (linked to the run) and the run's first events, instead of three writes. It requeues a run stopped for
/// a person the same way.
public protocol RunSubmitting: Sendable {
    /// Like ``RunStore/createRun(_:idempotencyKey:)`` plus the enqueue of `job` and the append of `events` when the
    /// run is created. Returns nil, having written nothing, when `jobs` is not a queue in this store's database (the
    /// caller then makes the writes separately).
    func submitRun(
        _ run: TaskRun, idempotencyKey: String?, job: EnqueueRequest, events: [RunWrite.Event], jobs: any JobStore
    ) async throws -> (run: TaskRun, created: Bool)?

    /// Resolves a run stopped for a person, in one transaction: replaces the step's journaled call (only while it is
    /// `pending`) and the run's document (only while the run is `failed`), enqueues and links `job`, and appends
    /// `events`. Returns false, having written nothing, when either condition no longer holds; nil, having written
    /// nothing, when `jobs` is not a queue in this store's database.
    func requeueResolvedRun(
        _ run: TaskRun, step: ToolCallRecord, events: [RunWrite.Event], job: EnqueueRequest, jobs: any JobStore
    ) async throws -> Bool?
}

/// A run store whose database also holds the job queue submits runs in one transaction each batch: the run, the job
/// that executes it (linked to the run) and the run's first events, instead of three writes per run. It requeues a
/// run stopped for a person the same way.
public protocol RunSubmitting: Sendable {
    /// Whether `jobs` is a queue in this store's database, so that ``submitRuns(_:jobs:)`` can write to it.
    func sharesDatabase(with jobs: any JobStore) -> Bool

    /// Like ``RunStore/createRun(_:idempotencyKey:)`` plus the enqueue of each submission's job and the append of its
    /// events when its run is created, for a batch in one transaction (callers batch them with ``GroupCommit``). A later
    /// submission with an idempotency key an earlier one of the batch used returns that run, as it would in separate
    /// transactions. Throws, having written nothing, when the transaction fails or `jobs` is not a queue in this
    /// store's database; a failure after the commit (reading back an existing run) is that submission's alone.
    func submitRuns(_ submissions: [RunSubmission], jobs: any JobStore) async throws -> [Result<RunSubmitted, any Error>]

    /// Resolves a run stopped for a person, in one transaction: replaces the step's journaled call (only while it is
    /// `pending`) and the run's document (only while the run is `failed`), enqueues and links `job`, and appends
    /// `events`. Returns false, having written nothing, when either condition no longer holds; nil, having written
    /// nothing, when `jobs` is not a queue in this store's database.
    func requeueResolvedRun(
        _ run: TaskRun, step: ToolCallRecord, events: [RunWrite.Event], job: EnqueueRequest, jobs: any JobStore
    ) async throws -> Bool?
}

/// One run to submit with its job and first events.
public struct RunSubmission: Sendable {
    public let run: TaskRun
    public let idempotencyKey: String?
    public let job: EnqueueRequest
    public let events: [RunWrite.Event]

    public init(run: TaskRun, idempotencyKey: String?, job: EnqueueRequest, events: [RunWrite.Event]) {
        self.run = run
        self.idempotencyKey = idempotencyKey
        self.job = job
        self.events = events
    }
}

extension RunSubmission {
    /// The outcomes of a committed batch: a created run is the one submitted; any other is read back by `earlier`
    /// (given its index), and a failure to read it is that submission's alone.
    public static func outcomes(
        of submissions: [RunSubmission], created: [Bool], earlier: (Int) async throws -> TaskRun
    ) async -> [Result<RunSubmitted, any Error>] {
        var outcomes: [Result<RunSubmitted, any Error>] = []
        for (index, submission) in submissions.enumerated() {
            if created[index] {
                outcomes.append(.success(RunSubmitted(run: submission.run, created: true)))
                continue
            }
            do {
                outcomes.append(.success(RunSubmitted(run: try await earlier(index), created: false)))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// The queues that got a job from a committed batch, to wake their workers.
    public static func queues(of submissions: [RunSubmission], created: [Bool]) -> Set<String> {
        Set(zip(submissions, created).filter(\.1).map(\.0.job.queue))
    }
}

/// A submitted run: the new one (`created`), or the earlier run that holds the submission's idempotency key.
public struct RunSubmitted: Sendable, Equatable {
    public let run: TaskRun
    public let created: Bool

    public init(run: TaskRun, created: Bool) {
        self.run = run
        self.created = created
    }
}

extension RunSubmitting {
    /// One submission in its own transaction; nil, having written nothing, when `jobs` is not a queue in this store's
    /// database (the caller then makes the writes separately).
    public func submitRun(
        _ run: TaskRun, idempotencyKey: String?, job: EnqueueRequest, events: [RunWrite.Event], jobs: any JobStore
    ) async throws -> RunSubmitted? {
        guard sharesDatabase(with: jobs) else { return nil }
        let submission = RunSubmission(run: run, idempotencyKey: idempotencyKey, job: job, events: events)
        return try await submitRuns([submission], jobs: jobs)[0].get()
    }
}

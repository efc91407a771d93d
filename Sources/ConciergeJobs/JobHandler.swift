public import ConciergeCore
public import Logging

/// What a handler gets besides the job: a logger carrying `job.id`, `job.queue` and `job.attempt`.
public struct JobContext: Sendable {
    public var logger: Logger
    public var workerID: String

    public init(logger: Logger, workerID: String) {
        self.logger = logger
        self.workerID = workerID
    }
}

/// Runs the jobs of one queue. Returns the job's JSON result; a thrown error fails the attempt (retried with
/// backoff until the budget is spent). Long handlers should check `Task.isCancelled` or use cancellable awaits:
/// cancelling a job, losing its lease or a shutdown past the drain timeout cancels the handler's task.
public protocol JobHandler: Sendable {
    func run(_ job: ClaimedJob, context: JobContext) async throws -> String
}

/// A handler made of a closure.
public struct ClosureJobHandler: JobHandler {
    let body: @Sendable (ClaimedJob, JobContext) async throws -> String

    public init(_ body: @escaping @Sendable (ClaimedJob, JobContext) async throws -> String) {
        self.body = body
    }

    public func run(_ job: ClaimedJob, context: JobContext) async throws -> String {
        try await body(job, context)
    }
}

/// One queue a worker serves: its handler and how many of its jobs run at once.
public struct QueueRegistration: Sendable {
    public var queue: String
    public var concurrency: Int
    public var handler: any JobHandler

    public init(queue: String, concurrency: Int, handler: any JobHandler) {
        self.queue = queue
        self.concurrency = max(1, concurrency)
        self.handler = handler
    }
}

/// The queues a worker serves, by name. The composition root registers each subsystem's handler here.
public struct JobHandlerRegistry: Sendable {
    public private(set) var queues: [String: QueueRegistration] = [:]
    /// Used for queues registered without an explicit concurrency.
    public var defaultConcurrency: Int

    public init(defaultConcurrency: Int = 8) {
        self.defaultConcurrency = max(1, defaultConcurrency)
    }

    /// Registers `handler` for `queue`, replacing any earlier one.
    public mutating func register(_ queue: String, concurrency: Int? = nil, handler: any JobHandler) {
        queues[queue] = QueueRegistration(queue: queue, concurrency: concurrency ?? defaultConcurrency, handler: handler)
    }

    /// Registers a closure for `queue`.
    public mutating func register(
        _ queue: String, concurrency: Int? = nil, _ body: @escaping @Sendable (ClaimedJob, JobContext) async throws -> String
    ) {
        register(queue, concurrency: concurrency, handler: ClosureJobHandler(body))
    }
}

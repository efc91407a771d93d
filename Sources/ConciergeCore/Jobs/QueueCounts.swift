/// How many jobs of one queue are in each state, and how long the oldest due job has waited.
public struct QueueCounts: Sendable, Equatable, Codable {
    public var queue: String
    public var waiting: Int
    public var scheduled: Int
    public var active: Int
    public var completed: Int
    public var failed: Int
    public var dead: Int
    public var cancelled: Int
    /// Seconds since the oldest waiting job became due; nil when none waits.
    public var oldestWaitingAgeSeconds: Double?

    public init(
        queue: String, waiting: Int = 0, scheduled: Int = 0, active: Int = 0, completed: Int = 0, failed: Int = 0,
        dead: Int = 0, cancelled: Int = 0, oldestWaitingAgeSeconds: Double? = nil
    ) {
        self.queue = queue
        self.waiting = waiting
        self.scheduled = scheduled
        self.active = active
        self.completed = completed
        self.failed = failed
        self.dead = dead
        self.cancelled = cancelled
        self.oldestWaitingAgeSeconds = oldestWaitingAgeSeconds
    }
}

/// A filter and a page position for listing jobs, newest first.
public struct JobListQuery: Sendable, Equatable {
    public var queue: String?
    public var state: JobState?
    public var limit: Int
    /// Only jobs with an id below this one (the `nextCursor` of the previous page).
    public var before: JobID?

    public init(queue: String? = nil, state: JobState? = nil, limit: Int = 50, before: JobID? = nil) {
        self.queue = queue
        self.state = state
        self.limit = max(1, min(limit, 500))
        self.before = before
    }
}

/// One page of a job list.
public struct JobPage: Sendable, Equatable {
    public var jobs: [JobRecord]
    /// Pass as `before` to get the next page; nil on the last page.
    public var nextCursor: JobID?

    public init(jobs: [JobRecord], nextCursor: JobID?) {
        self.jobs = jobs
        self.nextCursor = nextCursor
    }
}

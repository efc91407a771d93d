public import Foundation

/// What to put on a queue.
public struct EnqueueRequest: Sendable, Equatable {
    public var queue: String
    /// A JSON document (object, array or scalar), kept byte for byte.
    public var payload: String
    /// Higher runs first among jobs that are due.
    public var priority: Int
    /// Earliest start; nil means now.
    public var runAt: Date?
    public var maxAttempts: Int
    /// Unique per queue: enqueuing again with the same key returns the existing job.
    public var idempotencyKey: String?

    public static let defaultMaxAttempts = 3

    /// - Throws: ``JobsError`` when the queue name, payload or attempt budget is unusable.
    public init(
        queue: String, payload: String = "{}", priority: Int = 0, runAt: Date? = nil,
        maxAttempts: Int = EnqueueRequest.defaultMaxAttempts, idempotencyKey: String? = nil
    ) throws {
        try Self.validate(queue: queue)
        guard (1...1000).contains(maxAttempts) else { throw JobsError.invalidRequest("max_attempts must be from 1 to 1000") }
        guard (-1_000_000...1_000_000).contains(priority) else { throw JobsError.invalidRequest("priority must be from -1000000 to 1000000") }
        guard JSONValue(jsonText: payload) != nil else {
            throw JobsError.invalidRequest("payload is not valid JSON")
        }
        if let key = idempotencyKey, key.isEmpty || key.utf8.count > 200 {
            throw JobsError.invalidRequest("idempotency_key must be 1 to 200 bytes")
        }
        self.queue = queue
        self.payload = payload
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
    }

    /// Queue names are short identifiers, safe as metric labels: letters, digits, `_`, `-` and `.`.
    public static func validate(queue: String) throws {
        let allowed = queue.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte == 0x2D || byte == 0x2E
        }
        guard !queue.isEmpty, queue.utf8.count <= 64, allowed else {
            throw JobsError.invalidRequest("queue must be 1 to 64 characters of letters, digits, '_', '-' or '.'")
        }
    }
}

/// The job an enqueue produced, and whether it is new or an idempotent repeat.
public struct EnqueueResult: Sendable, Equatable {
    public var id: JobID
    /// False when an existing job with the same idempotency key was returned.
    public var created: Bool

    public init(id: JobID, created: Bool) {
        self.id = id
        self.created = created
    }
}

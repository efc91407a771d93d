public import Foundation

/// One audited event: an admin action or an authentication failure.
public struct AuditEvent: Sendable, Hashable {
    public var id: Int64?
    public var time: Date
    /// The key id (or `local`, `cli`); nil when no key could be identified.
    public var actor: String?
    /// `auth.failed`, `auth.forbidden`, `POST /admin/keys`, `keys.create` …
    public var action: String
    /// What was acted on: a path or an id.
    public var target: String?
    /// `denied` or the HTTP status.
    public var outcome: String
    public var clientIP: String?
    public var requestID: String?

    public init(
        id: Int64? = nil, time: Date, actor: String?, action: String, target: String?, outcome: String, clientIP: String?, requestID: String?
    ) {
        self.id = id
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.clientIP = clientIP
        self.requestID = requestID
    }
}

/// Filters for reading the audit log; newest first.
public struct AuditQuery: Sendable, Hashable {
    public var actor: String?
    public var action: String?
    public var since: Date?
    public var until: Date?
    /// Only events with a smaller id (the next page).
    public var before: Int64?
    public var limit: Int

    public init(actor: String? = nil, action: String? = nil, since: Date? = nil, until: Date? = nil, before: Int64? = nil, limit: Int = 100) {
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.before = before
        self.limit = limit
    }
}

/// The durable audit log (migration 5, `audit_log`).
public protocol AuditLog: Sendable {
    func append(_ event: AuditEvent) async throws
    func events(_ query: AuditQuery) async throws -> [AuditEvent]
    /// Deletes events older than `cutoff`; returns how many.
    func purgeAudit(before cutoff: Date) async throws -> Int
}

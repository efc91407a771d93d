public import Foundation

/// One rate-limit check: spend `cost` units of `bucket` if they fit under `limit` per minute at `now`.
public struct RateLimitCheck: Sendable, Hashable {
    public var bucket: String
    public var cost: Int
    public var limit: Int
    public var now: Date

    public init(bucket: String, cost: Int, limit: Int, now: Date) {
        self.bucket = bucket
        self.cost = cost
        self.limit = limit
        self.now = now
    }
}

/// One budget check: store `reservation` if it fits every window (see ``BudgetStore/reserve(_:windows:now:reservationTTL:)``).
public struct BudgetCheck: Sendable, Hashable {
    public var reservation: BudgetReservation
    public var windows: [BudgetWindow]
    public var now: Date
    public var reservationTTL: TimeInterval

    public init(reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) {
        self.reservation = reservation
        self.windows = windows
        self.now = now
        self.reservationTTL = reservationTTL
    }
}

/// A rate-limit store that can run several checks in one transaction.
public protocol BatchRateLimitStore: RateLimitStore {
    /// Runs the checks one after another in one transaction, with the same outcome as running them alone in that
    /// order; one decision per check.
    func consume(_ checks: [RateLimitCheck]) async throws -> [RateLimitDecision]
}

/// A budget store that can run several checks in one transaction.
public protocol BatchBudgetStore: BudgetStore {
    /// Runs the checks one after another in one transaction, with the same outcome as running them alone in that
    /// order; for each, nil when its reservation was stored, else the window it would have exceeded.
    func reserve(_ checks: [BudgetCheck]) async throws -> [BudgetExceeded?]
}

/// Request admission for a store with a single writer (SQLite), where every rate-limit check and budget
/// reservation is a write transaction queued behind all others: the checks of concurrent requests are written
/// together, one transaction per batch (``GroupCommit``), instead of one transaction and two thread hand-offs each.
/// Each check is still decided alone and in order inside the batch, so limits and budgets hold exactly as before;
/// with one request at a time it is one transaction per check, with no added delay.
/// Not for PostgreSQL: its connections already run concurrent checks in parallel.
public struct GroupCommitRateLimits: RateLimitStore {
    private let commit: GroupCommit<RateLimitCheck, RateLimitDecision>

    public init(_ base: any BatchRateLimitStore) {
        commit = GroupCommit { checks in try await base.consume(checks) }
    }

    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        try await commit.submit(RateLimitCheck(bucket: bucket, cost: cost, limit: limit, now: now))
    }
}

/// Budget reservations of concurrent requests written together; see ``GroupCommitRateLimits``.
public struct GroupCommitBudgets: BudgetStore {
    private let base: any BatchBudgetStore
    private let commit: GroupCommit<BudgetCheck, BudgetExceeded?>

    public init(_ base: any BatchBudgetStore) {
        self.base = base
        commit = GroupCommit { checks in try await base.reserve(checks) }
    }

    public func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws {
        let check = BudgetCheck(reservation: reservation, windows: windows, now: now, reservationTTL: reservationTTL)
        if let exceeded = try await commit.submit(check) { throw exceeded }
    }

    public func release(_ reservationID: String) async throws {
        try await base.release(reservationID)
    }

    public func release(_ reservationIDs: [String]) async throws {
        try await base.release(reservationIDs)
    }

    public func spent(callerID: String, since: Date) async throws -> MicroUSD {
        try await base.spent(callerID: callerID, since: since)
    }
}

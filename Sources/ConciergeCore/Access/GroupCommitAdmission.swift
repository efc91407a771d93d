public import Foundation

/// One rate-limit check: a charge at an instant.
public struct RateLimitCheck: Sendable, Hashable {
    public var charge: RateCharge
    public var now: Date

    public init(_ charge: RateCharge, now: Date) {
        self.charge = charge
        self.now = now
    }
}

/// A rate-limit store that can run several checks in one transaction.
public protocol BatchRateLimitStore: RateLimitStore {
    /// Runs the checks one after another in one transaction, with the same outcome as running them alone in that
    /// order; one decision per check.
    func consume(_ checks: [RateLimitCheck]) async throws -> [RateLimitDecision]
}

/// An admission store that can admit several calls in one transaction.
public protocol BatchAdmissionStore: AdmissionStore {
    /// Admits the calls one after another in one transaction, with the same outcome as admitting them alone in
    /// that order; one result per admission.
    func admit(_ admissions: [Admission]) async throws -> [AdmissionResult]
}

/// Request admission for a store with a single writer (SQLite), where every rate-limit check and admission is a
/// write transaction queued behind all others: the checks of concurrent requests are written together, one
/// transaction per batch (``GroupCommit``), instead of one transaction and two thread hand-offs each.
/// Each check is still decided alone and in order inside the batch, so limits and budgets hold exactly as before;
/// with one request at a time it is one transaction per check, with no added delay.
/// Not for PostgreSQL: its connections already run concurrent checks in parallel.
public struct GroupCommitRateLimits: RateLimitStore {
    private let commit: GroupCommit<RateLimitCheck, RateLimitDecision>

    public init(_ base: any BatchRateLimitStore) {
        commit = GroupCommit { checks in try await base.consume(checks) }
    }

    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        try await commit.submit(RateLimitCheck(RateCharge(bucket: bucket, cost: cost, limit: limit), now: now))
    }
}

/// Admissions (rate charges and budget reservation of one call) of concurrent calls written together; see
/// ``GroupCommitRateLimits``.
public struct GroupCommitAdmission: AdmissionStore {
    private let commit: GroupCommit<Admission, AdmissionResult>

    public init(_ base: any BatchAdmissionStore) {
        commit = GroupCommit { admissions in try await base.admit(admissions) }
    }

    public func admit(_ admission: Admission) async throws -> AdmissionResult {
        try await commit.submit(admission)
    }
}

public import Foundation

/// One GCRA charge of an ``Admission``: `cost` units of `bucket`, which refills at `limit` units per minute.
public struct RateCharge: Sendable, Hashable {
    public var bucket: String
    public var cost: Int
    public var limit: Int

    public init(bucket: String, cost: Int, limit: Int) {
        self.bucket = bucket
        self.cost = cost
        self.limit = limit
    }
}

/// Everything one model call is admitted against: rate charges in order, then a budget reservation.
public struct Admission: Sendable, Hashable {
    public var charges: [RateCharge]
    /// nil: no budget applies.
    public var reservation: BudgetReservation?
    public var windows: [BudgetWindow]
    public var reservationTTL: TimeInterval
    public var now: Date

    public init(charges: [RateCharge], reservation: BudgetReservation?, windows: [BudgetWindow], reservationTTL: TimeInterval, now: Date) {
        self.charges = charges
        self.reservation = reservation
        self.windows = windows
        self.reservationTTL = reservationTTL
        self.now = now
    }
}

/// What ``AdmissionStore/admit(_:)`` decided.
public struct AdmissionResult: Sendable, Hashable {
    /// One decision per charge made, in order. When the last is not allowed, that charge refused the call and
    /// neither later charges nor the reservation were made.
    public var decisions: [RateLimitDecision]
    /// The budget refused the call (every charge passed and stays spent); no reservation was stored.
    public var budgetExceeded: BudgetExceeded?

    public init(decisions: [RateLimitDecision], budgetExceeded: BudgetExceeded? = nil) {
        self.decisions = decisions
        self.budgetExceeded = budgetExceeded
    }

    /// Every charge passed and the reservation (if any) is stored.
    public var admitted: Bool { budgetExceeded == nil && decisions.allSatisfy(\.allowed) }
}

/// Admits a call in one store transaction: each charge as ``RateLimitStore/consume(bucket:cost:limit:now:)`` would,
/// stopping at the first refusal, then the reservation as ``BudgetStore/reserve(_:windows:now:reservationTTL:)``
/// would. Charges made before a refusal stay spent, exactly as when the checks run one after another.
public protocol AdmissionStore: Sendable {
    func admit(_ admission: Admission) async throws -> AdmissionResult
}

/// The same checks one store call at a time, for stores without a combined transaction.
public struct SequentialAdmission: AdmissionStore {
    let rateLimits: (any RateLimitStore)?
    let budgets: (any BudgetStore)?

    public init(rateLimits: (any RateLimitStore)?, budgets: (any BudgetStore)?) {
        self.rateLimits = rateLimits
        self.budgets = budgets
    }

    public func admit(_ admission: Admission) async throws -> AdmissionResult {
        var decisions: [RateLimitDecision] = []
        for charge in admission.charges {
            guard let rateLimits else { throw AdmissionMisconfigured() }
            let decision = try await rateLimits.consume(bucket: charge.bucket, cost: charge.cost, limit: charge.limit, now: admission.now)
            decisions.append(decision)
            if !decision.allowed { return AdmissionResult(decisions: decisions) }
        }
        if let reservation = admission.reservation, let budgets {
            do {
                try await budgets.reserve(reservation, windows: admission.windows, now: admission.now, reservationTTL: admission.reservationTTL)
            } catch let exceeded as BudgetExceeded {
                return AdmissionResult(decisions: decisions, budgetExceeded: exceeded)
            }
        }
        return AdmissionResult(decisions: decisions)
    }
}

/// A rate charge reached a ``SequentialAdmission`` that has no rate-limit store: a wiring mistake.
public struct AdmissionMisconfigured: Error, Sendable {}

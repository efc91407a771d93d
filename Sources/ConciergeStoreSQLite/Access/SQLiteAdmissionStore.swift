public import ConciergeCore
import Foundation
import GRDB

/// A call's rate charges and budget reservation in one write transaction, with statements compiled once per connection.
extension SQLiteStore: AdmissionStore {
    public func admit(_ admission: Admission) async throws -> AdmissionResult {
        try await pool.write { db in
            var decisions: [RateLimitDecision] = []
            for charge in admission.charges {
                let decision = try Self.consume(db, charge, now: admission.now)
                decisions.append(decision)
                if !decision.allowed { return AdmissionResult(decisions: decisions) }
            }
            if let reservation = admission.reservation {
                do {
                    try Self.reserve(db, reservation, windows: admission.windows, now: admission.now, reservationTTL: admission.reservationTTL)
                } catch let exceeded as BudgetExceeded {
                    return AdmissionResult(decisions: decisions, budgetExceeded: exceeded)
                }
            }
            return AdmissionResult(decisions: decisions)
        }
    }
}

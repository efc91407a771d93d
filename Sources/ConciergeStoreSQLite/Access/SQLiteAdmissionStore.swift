public import ConciergeCore
import Foundation
import GRDB

/// A call's rate charges and budget reservation in one write transaction, with statements compiled once per
/// connection. The server decides admissions in its memory on SQLite (``ProcessAdmission``); this is the durable
/// form, for tools and tests that share buckets through the file.
extension SQLiteStore: AdmissionStore {
    public func admit(_ admission: Admission) async throws -> AdmissionResult {
        try await pool.write { db in try Self.admit(db, admission) }
    }

    private static func admit(_ db: Database, _ admission: Admission) throws -> AdmissionResult {
        var decisions: [RateLimitDecision] = []
        for charge in admission.charges {
            let decision = try consume(db, charge, now: admission.now)
            decisions.append(decision)
            if !decision.allowed { return AdmissionResult(decisions: decisions) }
        }
        if let reservation = admission.reservation {
            do {
                try reserve(db, reservation, windows: admission.windows, now: admission.now, reservationTTL: admission.reservationTTL)
            } catch let exceeded as BudgetExceeded {
                return AdmissionResult(decisions: decisions, budgetExceeded: exceeded)
            }
        }
        return AdmissionResult(decisions: decisions)
    }
}

public import ConciergeCore
import Foundation
import PostgresNIO

/// A call's rate charges and budget reservation in one transaction on one connection. A refusal commits what ran
/// before it (charges stay spent, as separate checks would leave them); only an error rolls back.
extension PostgresStore: AdmissionStore {
    public func admit(_ admission: Admission) async throws -> AdmissionResult {
        if admission.reservation == nil, admission.charges.count <= 1 {
            // Nothing to group: one autocommitted statement needs no BEGIN/COMMIT round trips.
            return try await client.withConnection { connection in try await Self.admit(connection, admission, logger: logger) }
        }
        return try await transaction { connection in try await Self.admit(connection, admission, logger: logger) }
    }

    private static func admit(_ connection: PostgresConnection, _ admission: Admission, logger: Logger) async throws -> AdmissionResult {
        var decisions: [RateLimitDecision] = []
        for charge in admission.charges {
            let decision = try await consume(connection, charge, now: admission.now, logger: logger)
            decisions.append(decision)
            if !decision.allowed { return AdmissionResult(decisions: decisions) }
        }
        if let reservation = admission.reservation {
            do {
                try await reserve(
                    connection, reservation, windows: admission.windows, now: admission.now, reservationTTL: admission.reservationTTL, logger: logger
                )
            } catch let exceeded as BudgetExceeded {
                return AdmissionResult(decisions: decisions, budgetExceeded: exceeded)
            }
        }
        return AdmissionResult(decisions: decisions)
    }
}

public import Foundation

/// The ledger in front of the store for ``ProcessAdmission``: it tells the admission when a write starts and, after
/// it is durable, what it wrote, before whoever wrote the rows releases their calls' reservations.
public struct SpendTrackingLedger: UsageLedger {
    let base: any UsageLedger
    let admission: ProcessAdmission

    public init(_ base: any UsageLedger, admission: ProcessAdmission) {
        self.base = base
        self.admission = admission
    }

    public func record(_ records: [UsageRecord]) async throws {
        admission.spendWillChange()
        do {
            try await base.record(records)
        } catch {
            admission.spendChanged(adding: nil)
            throw error
        }
        admission.spendChanged(adding: records)
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        try await base.records(query)
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        try await base.totals(since: since)
    }
}

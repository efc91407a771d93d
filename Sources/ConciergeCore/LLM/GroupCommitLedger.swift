public import Foundation

/// Group commit in front of a ledger (``GroupCommit``): concurrent callers' rows are written together in one
/// transaction, and each caller returns only once its own rows are durable. One call's rows are one input, so they
/// are never split across writes. With one caller at a time it is one write per call, as without it.
public final class GroupCommitLedger: UsageLedger {
    private let base: any UsageLedger
    private let commit: GroupCommit<[UsageRecord], Void>

    public init(_ base: any UsageLedger) {
        self.base = base
        commit = GroupCommit { calls in
            try await base.record(calls.flatMap { $0 })
            return calls.map { _ in () }
        }
    }

    public func record(_ records: [UsageRecord]) async throws {
        try await commit.submit(records)
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        try await base.records(query)
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        try await base.totals(since: since)
    }
}

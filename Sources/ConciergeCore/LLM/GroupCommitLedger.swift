public import Foundation
import Synchronization

/// Group commit in front of a ledger: concurrent callers' rows are written together in one transaction, and each
/// caller returns only once its own row is durable. The caller that finds no write in progress leads: it writes
/// everything queued, wakes the callers whose rows it wrote, and hands the lead to the next caller still waiting.
/// No background task; with one caller at a time it is one write per row, as without it.
public final class GroupCommitLedger: UsageLedger {
    private enum Wake: Sendable { case written, lead }

    private struct Entry {
        let record: UsageRecord
        /// Nil for the leader's own rows.
        var continuation: CheckedContinuation<Wake, any Error>?
    }

    private struct State {
        var pending: [Entry] = []
        var writing = false
    }

    private let base: any UsageLedger
    private let state = Mutex(State())

    public init(_ base: any UsageLedger) {
        self.base = base
    }

    public func record(_ records: [UsageRecord]) async throws {
        let leadNow = state.withLock { state -> Bool in
            guard !state.writing else { return false }
            state.writing = true
            state.pending += records.map { Entry(record: $0, continuation: nil) }
            return true
        }
        if !leadNow {
            let wake = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Wake, any Error>) in
                let lead = state.withLock { state -> Bool in
                    if state.writing {
                        // Only the last row carries the continuation; the leader always takes everything queued,
                        // so one call's rows are never split across writes.
                        state.pending += records.dropLast().map { Entry(record: $0, continuation: nil) }
                        state.pending.append(Entry(record: records.last!, continuation: continuation))
                        return false
                    }
                    state.writing = true
                    state.pending += records.map { Entry(record: $0, continuation: nil) }
                    return true
                }
                if lead { continuation.resume(returning: .lead) }
            }
            if case .written = wake { return }
        }
        try await lead()
    }

    /// Writes everything queued as one batch, wakes its callers, then passes the lead on (or ends the write).
    private func lead() async throws {
        let batch = state.withLock { state -> [Entry] in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        let result: Result<Void, any Error>
        do {
            try await base.record(batch.map(\.record))
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for entry in batch {
            switch result {
            case .success: entry.continuation?.resume(returning: .written)
            case .failure(let error): entry.continuation?.resume(throwing: error)
            }
        }
        let next = state.withLock { state -> CheckedContinuation<Wake, any Error>? in
            guard let index = state.pending.firstIndex(where: { $0.continuation != nil }) else {
                state.writing = false
                return nil
            }
            let continuation = state.pending[index].continuation
            state.pending[index].continuation = nil
            return continuation
        }
        next?.resume(returning: .lead)
        try result.get()
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        try await base.records(query)
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        try await base.totals(since: since)
    }
}

public import Foundation
import Synchronization

/// A ledger whose rows are written behind the response: `record` queues the rows and returns at once, and
/// ``flush()`` (called every few milliseconds by one flusher, and once more at graceful shutdown) writes everything
/// queued in one transaction. Budget reservations handed to ``releaseAfterDurable(_:)`` are released only after every
/// row queued before them is durable, so a call's worst case stays reserved until its real cost is in the ledger and a
/// budget can never be overspent by the delay.
///
/// The queue is bounded: when `capacity` rows wait, `record` waits for the next flush. A failed flush keeps its rows
/// and releases and tries again. What a crash loses is documented in docs/operations.md ("Ledger writes").
/// ``waitForBatch()`` lets the flusher write as soon as `batchRows` rows wait instead of at its next tick, so a flush
/// stays short under load and the tick can be long when calls are few; ``waitForWork()`` lets it sleep while nothing
/// is queued instead of ticking on an idle server.
public final class WriteBehindLedger: UsageLedger, LedgerBarrier {
    /// What the flusher waits for.
    private enum Wait {
        /// Anything queued: a row or a release.
        case work
        /// `batchRows` rows queued.
        case batch
    }

    private struct State {
        var rows: [UsageRecord] = []
        var releases: [String] = []
        /// Callers waiting for room in a full queue.
        var waiting: [CheckedContinuation<Void, Never>] = []
        /// The flusher, waiting for what it asked for.
        var flusher: (wait: Wait, continuation: CheckedContinuation<Void, Never>)?

        func has(_ wait: Wait, batchRows: Int) -> Bool {
            switch wait {
            case .work: !rows.isEmpty || !releases.isEmpty
            case .batch: rows.count >= batchRows
            }
        }

        /// The flusher's continuation, taken out, when what it waits for is there.
        mutating func wakeFlusher(batchRows: Int) -> CheckedContinuation<Void, Never>? {
            guard let flusher, has(flusher.wait, batchRows: batchRows) else { return nil }
            self.flusher = nil
            return flusher.continuation
        }
    }

    private let base: any UsageLedger
    private let budgets: (any BudgetStore)?
    public let capacity: Int
    /// How many queued rows wake ``waitForBatch()``.
    public let batchRows: Int
    private let state = Mutex(State())

    public init(_ base: any UsageLedger, budgets: (any BudgetStore)?, capacity: Int = 10_000, batchRows: Int = 32) {
        self.base = base
        self.budgets = budgets
        self.capacity = max(capacity, 1)
        self.batchRows = max(batchRows, 1)
    }

    public func record(_ records: [UsageRecord]) async throws {
        while true {
            let (queued, flusher) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard state.rows.isEmpty || state.rows.count + records.count <= capacity else { return (false, nil) }
                state.rows += records
                return (true, state.wakeFlusher(batchRows: batchRows))
            }
            flusher?.resume()
            if queued { return }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let room = state.withLock { state -> Bool in
                    if state.rows.isEmpty || state.rows.count + records.count <= capacity { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if room { continuation.resume() }
            }
        }
    }

    /// Returns once `batchRows` rows are queued, or when the waiting task is cancelled. One flusher calls it.
    public func waitForBatch() async {
        await wait(for: .batch)
    }

    /// Returns once a row or a release is queued, or when the waiting task is cancelled. One flusher calls it.
    public func waitForWork() async {
        await wait(for: .work)
    }

    private func wait(for wait: Wait) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    // A cancel that came before this point found no waiter to resume: it is seen here.
                    guard !state.has(wait, batchRows: batchRows), !Task.isCancelled else { return true }
                    state.flusher = (wait, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.flusher = nil }
                return state.flusher?.continuation
            }
            waiter?.resume()
        }
    }

    public func releaseAfterDurable(_ reservationID: String) {
        let flusher = state.withLock { state in
            state.releases.append(reservationID)
            return state.wakeFlusher(batchRows: batchRows)
        }
        flusher?.resume()
    }

    /// Rows and releases queued and not yet written.
    public var pending: (rows: Int, releases: Int) {
        state.withLock { ($0.rows.count, $0.releases.count) }
    }

    /// Writes every row queued now in one transaction, then releases the reservations queued before this call.
    /// Not reentrant: one flusher calls it. Throws the store's error after putting the work back in the queue.
    public func flush() async throws {
        let (rows, releases) = state.withLock { state in
            defer {
                state.rows.removeAll(keepingCapacity: true)
                state.releases.removeAll(keepingCapacity: true)
            }
            return (state.rows, state.releases)
        }
        guard !rows.isEmpty || !releases.isEmpty else { return }
        do {
            if !rows.isEmpty { try await base.record(rows) }
        } catch {
            state.withLock { state in
                state.rows.insert(contentsOf: rows, at: 0)
                state.releases.insert(contentsOf: releases, at: 0)
            }
            throw error
        }
        let waiting = state.withLock { state in
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
        guard let budgets, !releases.isEmpty else { return }
        do {
            try await budgets.release(releases)
        } catch {
            state.withLock { $0.releases.insert(contentsOf: releases, at: 0) }
            throw error
        }
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        try await base.records(query)
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        try await base.totals(since: since)
    }
}

/// Something that knows when the ledger rows written so far are durable: a budget reservation handed to it is
/// released only after that (``WriteBehindLedger``).
public protocol LedgerBarrier: Sendable {
    func releaseAfterDurable(_ reservationID: String)
}

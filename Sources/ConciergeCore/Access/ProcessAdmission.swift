public import Foundation
import Synchronization

/// Admission decided in this process's memory, for a store that one process serves (SQLite: one `serve` per database
/// file, docs/operations.md). Rate-limit buckets (GCRA) and open budget reservations are state of the process, so a
/// call is admitted without a write transaction; ledger spend stays durable in `spend` (the store), as before.
///
/// Budgets hold exactly as with the store's transaction. A reservation is checked against ledger spend plus the open
/// reservations plus its own worst case, under one lock. The ledger spend is read from the store and kept for
/// `spendTTL` at most. A ledger write of this process (``SpendTrackingLedger``) says when it starts
/// (``spendWillChange()``) and, once committed and before the written calls' reservations are released, what it wrote
/// (``spendChanged(adding:)``): spend read before the write began is brought up to date with the rows' costs, as the
/// store's sums now hold them, so the next call decides from memory and not from a read on its path. A read that a
/// ledger write overlapped may or may not have seen its rows: it is used once, not kept, with every reservation of the
/// caller released since the read began added back; a released reservation held at least the real cost of its call,
/// so nothing spent is ever missed.
///
/// A restart starts with full rate-limit buckets and no reservations (the calls they held died with the process).
public final class ProcessAdmission: AdmissionStore, RateLimitStore, BudgetStore {
    private struct Reservation {
        let callerID: String
        let amount: Int64
        let created: Double
    }

    private struct SpendKey: Hashable {
        let callerID: String
        let since: Double
    }

    private struct Spend {
        let value: Int64
        let epoch: UInt64
        let readAt: Double
    }

    private struct State {
        var tats: [String: Double] = [:]
        var reservations: [String: Reservation] = [:]
        /// Per caller: micro-USD of every reservation released so far (only grows).
        var released: [String: Int64] = [:]
        var spend: [SpendKey: Spend] = [:]
        /// Moves at every ledger write's start and end: a spend read is kept only if it did not move during the read.
        var epoch: UInt64 = 0
        /// Ledger writes started and not yet ended: a read that starts during one may or may not see its rows.
        var writing = 0
        /// Charges and reservation decisions so far, for dropping what no longer counts now and then.
        var charges = 0
        var decisions = 0
    }

    private enum Attempt {
        case decided(BudgetExceeded?)
        case read(epoch: UInt64, released: Int64, keys: [SpendKey], keepable: Bool)
    }

    private let store: any BudgetStore
    private let spendTTL: TimeInterval
    private let state = Mutex(State())

    /// - Parameters:
    ///   - spend: the store that holds the ledger (its ``BudgetStore/spent(callerID:since:)``).
    ///   - spendTTL: longest a spend read is used without a ledger write of this process having been seen.
    public init(spend: any BudgetStore, spendTTL: TimeInterval = 1) {
        self.store = spend
        self.spendTTL = spendTTL
    }

    /// A ledger write of this process starts: spend read from now until it ends is used once, not kept.
    public func spendWillChange() {
        state.withLock { state in
            Self.advance(&state) { $1 }
            state.writing += 1
        }
    }

    /// The write announced by ``spendWillChange()`` committed `records` (nil: it failed, or what it wrote is not
    /// known, and spend is read again). Spend kept from before it began gets their costs, window by window, counted as
    /// the store counts them.
    public func spendChanged(adding records: [UsageRecord]?) {
        let costs = records.map { $0.filter { $0.callerID != nil && $0.cost.value != 0 } }
        state.withLock { state in
            state.writing -= 1
            guard let costs else {
                state.epoch &+= 1
                return
            }
            Self.advance(&state) { key, value in
                costs.reduce(value) { sum, record in
                    record.callerID == key.callerID && Self.counts(record.time, since: key.since) ? sum + record.cost.value : sum
                }
            }
        }
    }

    /// Moves the epoch, keeping the spend that was current with `update` applied.
    private static func advance(_ state: inout State, _ update: (SpendKey, Int64) -> Int64) {
        let current = state.epoch
        state.epoch &+= 1
        for (key, spend) in state.spend where spend.epoch == current {
            state.spend[key] = Spend(value: update(key, spend.value), epoch: state.epoch, readAt: spend.readAt)
        }
    }

    /// Whether a row at `time` is in the spend since `since`, as ``BudgetStore/spent(callerID:since:)`` sums it: by
    /// UTC day from a midnight (the per-day sums), else by the row's time.
    static func counts(_ time: Date, since: Double) -> Bool {
        let start = Date(timeIntervalSince1970: since)
        return BudgetSpend.isDayStart(start) ? BudgetSpend.day(time) >= BudgetSpend.day(start) : time.timeIntervalSince1970 >= since
    }

    // MARK: Rate limits

    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        state.withLock { Self.consume(&$0, RateCharge(bucket: bucket, cost: cost, limit: limit), now: now.timeIntervalSince1970) }
    }

    /// The GCRA step of the stores' UPSERT: spend when the bucket stays within one window, else refuse untouched.
    private static func consume(_ state: inout State, _ charge: RateCharge, now: Double) -> RateLimitDecision {
        state.charges += 1
        if state.charges % 4096 == 0 { state.tats = state.tats.filter { $0.value > now } }  // a past TAT is a full bucket
        let tat = state.tats[charge.bucket] ?? now
        let increment = Double(charge.cost) * GCRA.increment(limit: charge.limit)
        let next = max(tat, now) + increment
        guard charge.cost <= charge.limit, next - now <= GCRA.window else {
            return GCRA.decision(allowed: false, tat: tat, now: now, cost: charge.cost, limit: charge.limit)
        }
        state.tats[charge.bucket] = next
        return GCRA.decision(allowed: true, tat: next, now: now, cost: charge.cost, limit: charge.limit)
    }

    // MARK: Admission

    public func admit(_ admission: Admission) async throws -> AdmissionResult {
        let now = admission.now.timeIntervalSince1970
        let decisions = state.withLock { state -> [RateLimitDecision] in
            var decisions: [RateLimitDecision] = []
            for charge in admission.charges {
                let decision = Self.consume(&state, charge, now: now)
                decisions.append(decision)
                if !decision.allowed { break }
            }
            return decisions
        }
        guard decisions.allSatisfy(\.allowed), let reservation = admission.reservation else { return AdmissionResult(decisions: decisions) }
        do {
            try await reserve(reservation, windows: admission.windows, now: admission.now, reservationTTL: admission.reservationTTL)
        } catch let exceeded as BudgetExceeded {
            return AdmissionResult(decisions: decisions, budgetExceeded: exceeded)
        }
        return AdmissionResult(decisions: decisions)
    }

    // MARK: Budgets

    public func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws {
        let seconds = now.timeIntervalSince1970
        let keys = windows.map { SpendKey(callerID: reservation.callerID, since: $0.start.timeIntervalSince1970) }
        var attempt = state.withLock { state in
            Self.decideFromCache(&state, reservation, windows: windows, keys: keys, now: seconds, reservationTTL: reservationTTL, spendTTL: spendTTL)
        }
        if case .read(let epoch, let releasedBefore, let keys, let keepable) = attempt {
            var read: [SpendKey: Int64] = [:]
            for key in keys {
                read[key] = try await store.spent(callerID: key.callerID, since: Date(timeIntervalSince1970: key.since)).value
            }
            attempt = state.withLock { state in
                // Kept only when no ledger write overtook the read; else used once with the releases since added back.
                let overtaken = state.epoch != epoch || !keepable
                let releasedSince = (state.released[reservation.callerID] ?? 0) - releasedBefore
                if !overtaken {
                    for (key, value) in read { state.spend[key] = Spend(value: value, epoch: epoch, readAt: seconds) }
                }
                let spent = keys.map { (read[$0] ?? 0) + (overtaken ? releasedSince : 0) }
                return .decided(Self.decide(&state, reservation, windows: windows, spent: spent, now: seconds, reservationTTL: reservationTTL))
            }
        }
        if case .decided(let exceeded?) = attempt { throw exceeded }
    }

    /// Decides under the lock when every window's spend is cached and current; else says what to read.
    private static func decideFromCache(
        _ state: inout State, _ reservation: BudgetReservation, windows: [BudgetWindow], keys: [SpendKey], now: Double,
        reservationTTL: TimeInterval, spendTTL: TimeInterval
    ) -> Attempt {
        var spent: [Int64] = []
        for key in keys {
            guard let cached = state.spend[key], cached.epoch == state.epoch, now - cached.readAt <= spendTTL, now >= cached.readAt else {
                // Every window is read again, so the decision after the read rests on reads of one moment.
                return .read(epoch: state.epoch, released: state.released[reservation.callerID] ?? 0, keys: keys, keepable: state.writing == 0)
            }
            spent.append(cached.value)
        }
        return .decided(decide(&state, reservation, windows: windows, spent: spent, now: now, reservationTTL: reservationTTL))
    }

    /// Every window: spent + open reservations younger than the TTL + this one must fit; then it is held.
    private static func decide(
        _ state: inout State, _ reservation: BudgetReservation, windows: [BudgetWindow], spent: [Int64], now: Double, reservationTTL: TimeInterval
    ) -> BudgetExceeded? {
        let oldest = now - reservationTTL
        state.decisions += 1
        if state.decisions % 1024 == 0 {  // what no longer counts is dropped now and then, not on every call
            state.reservations = state.reservations.filter { $0.value.created >= oldest }
            state.spend = state.spend.filter { $0.value.epoch == state.epoch }
        }
        let open = state.reservations.values.reduce(Int64(0)) { sum, held in
            held.callerID == reservation.callerID && held.created >= oldest ? sum + held.amount : sum
        }
        for (window, spent) in zip(windows, spent) {
            let committed = spent + open
            if committed + reservation.amount.value > window.limit.value {
                return BudgetExceeded(window: window, committed: MicroUSD(committed), requested: reservation.amount)
            }
        }
        state.reservations[reservation.id] = Reservation(callerID: reservation.callerID, amount: reservation.amount.value, created: now)
        return nil
    }

    public func release(_ reservationID: String) async throws {
        try await release([reservationID])
    }

    public func release(_ reservationIDs: [String]) async throws {
        state.withLock { state in
            for id in reservationIDs {
                guard let reservation = state.reservations.removeValue(forKey: id) else { continue }
                state.released[reservation.callerID, default: 0] += reservation.amount
            }
        }
    }

    public func spent(callerID: String, since: Date) async throws -> MicroUSD {
        try await store.spent(callerID: callerID, since: since)
    }

    /// Open reservations (for tests and diagnostics).
    public var openReservations: Int { state.withLock { $0.reservations.count } }
}

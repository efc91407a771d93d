@testable import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Budgets decided in the process's memory (``ProcessAdmission``) see every cent the ledger writes, at once.
@Suite struct ProcessAdmissionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day = BudgetWindow(
        name: "day", start: Date(timeIntervalSince1970: 1_799_971_200), resetsAt: Date(timeIntervalSince1970: 1_800_057_600), limit: MicroUSD(1000)
    )

    static func row(caller: String, cost: Int64) -> UsageRecord {
        UsageRecord(
            time: now, operation: "chat", requestID: "r", callerID: caller, alias: "default", deployment: "d", model: "m", attempt: 1,
            usage: TokenUsage(promptTokens: 10, completionTokens: 10), cost: MicroUSD(cost), latencyMilliseconds: 1,
            timeToFirstTokenMilliseconds: nil, outcome: .success
        )
    }

    func reserve(_ admission: ProcessAdmission, _ reservation: BudgetReservation) async throws {
        try await admission.reserve(reservation, windows: [Self.day], now: Self.now, reservationTTL: 900)
    }

    @Test func spendTheLedgerWritesCountsForTheNextReservationAtOnce() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a budget of 1,000 and a call that reserved 600 (its spend read and kept)
            let store = try SQLiteStore(dataDirectory: directory, logger: .quiet)
            _ = try await store.migrate()
            let admission = ProcessAdmission(spend: store, spendTTL: 3600)
            let ledger = SpendTrackingLedger(store, admission: admission)
            let first = BudgetReservation(callerID: "k", amount: MicroUSD(600))
            try await reserve(admission, first)
            // When its ledger row (real cost 500) is written and its reservation released
            try await ledger.record(Self.row(caller: "k", cost: 500))
            try await admission.release([first.id])
            #expect(admission.openReservations == 0)
            // Then 500 are spent: 600 more do not fit, 500 do
            await #expect(throws: BudgetExceeded.self) { try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(600))) }
            try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(500)))
            try await store.close()
        }
    }

    /// A spend store whose reads can be held after taking their value, as a read whose snapshot predates a commit.
    final class HeldSpend: BudgetStore {
        let value = Mutex<Int64>(0)
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let holding = Mutex(false)
        let reads = Mutex(0)

        func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws {}
        func release(_ reservationID: String) async throws {}

        func spent(callerID: String, since: Date) async throws -> MicroUSD {
            let snapshot = value.withLock { $0 }
            reads.withLock { $0 += 1 }
            if holding.withLock({ $0 }) {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
            }
            return MicroUSD(snapshot)
        }

        func open() {
            holding.withLock { $0 = false }
            gate.withLock { $0 }?.resume()
        }
    }

    @Test func aSpendReadOvertakenByALedgerWriteCountsTheReleasedReservations() async throws {
        // Given a budget of 1,000 and a call holding 600
        let spend = HeldSpend()
        let admission = ProcessAdmission(spend: spend, spendTTL: 3600)
        let first = BudgetReservation(callerID: "k", amount: MicroUSD(600))
        try await reserve(admission, first)
        // When a second reservation of 500 reads spend (0) just before that call's row (600) commits and it is released
        admission.spendWillChange()  // a write whose rows are not known: the spend kept so far is read again
        admission.spendChanged(adding: nil)
        spend.holding.withLock { $0 = true }
        let second = Task { try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(500))) }
        #expect(await eventually { spend.gate.withLock { $0 != nil } })
        spend.value.withLock { $0 = 600 }
        admission.spendWillChange()
        admission.spendChanged(adding: [Self.row(caller: "k", cost: 600)])
        try await admission.release([first.id])
        spend.open()
        // Then the second is refused: 600 spent + 500 > 1,000, although its read saw nothing spent and nothing open
        await #expect(throws: BudgetExceeded.self) { try await second.value }
        // And the read that was overtaken was not kept: the next reservation reads again and sees the 600
        let reads = spend.reads.withLock { $0 }
        try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(400)))
        #expect(spend.reads.withLock { $0 } == reads + 1)
        await #expect(throws: BudgetExceeded.self) { try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(1))) }
    }

    @Test func aLedgerWriteBringsTheKeptSpendUpToDateWithoutARead() async throws {
        // Given a budget of 1,000, a call holding 600 and the spend read once (nothing spent)
        let spend = HeldSpend()
        let admission = ProcessAdmission(spend: spend, spendTTL: 3600)
        let ledger = SpendTrackingLedger(InMemoryUsageLedger(), admission: admission)
        let first = BudgetReservation(callerID: "k", amount: MicroUSD(600))
        try await reserve(admission, first)
        #expect(spend.reads.withLock { $0 } == 1)
        // When its row (500) is written, with rows that are not the caller's or are from before the window, and it is released
        var early = Self.row(caller: "k", cost: 300)
        early.time = Self.day.start.addingTimeInterval(-1)
        spend.value.withLock { $0 = 500 }  // what the store's sums would now say
        try await ledger.record([Self.row(caller: "k", cost: 500), Self.row(caller: "other", cost: 900), early])
        try await admission.release([first.id])
        // Then the next reservations decide from memory with the 500 counted: 600 more do not fit, 500 do
        await #expect(throws: BudgetExceeded.self) { try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(600))) }
        try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(500)))
        #expect(spend.reads.withLock { $0 } == 1)
    }

    @Test func aSpendReadThatAWriteOverlapsIsUsedOnceNotKept() async throws {
        let spend = HeldSpend()
        let admission = ProcessAdmission(spend: spend, spendTTL: 3600)
        // Given a ledger write under way when a reservation reads spend
        admission.spendWillChange()
        try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(100)))
        spend.value.withLock { $0 = 200 }
        admission.spendChanged(adding: [Self.row(caller: "k", cost: 200)])
        // Then that read was not kept (it may or may not have seen the write): the next reservation reads again
        try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(100)))
        #expect(spend.reads.withLock { $0 } == 2)
        // And one read after the write is kept
        try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(100)))
        #expect(spend.reads.withLock { $0 } == 2)
    }

    @Test func aWindowThatStartsAtMidnightCountsRowsByDayAnOtherByTime() {
        let midnight = 1_799_971_200.0
        #expect(ProcessAdmission.counts(Date(timeIntervalSince1970: midnight), since: midnight))
        #expect(!ProcessAdmission.counts(Date(timeIntervalSince1970: midnight - 1), since: midnight))
        // Not a midnight: by time, as the store sums the ledger's rows
        #expect(!ProcessAdmission.counts(Date(timeIntervalSince1970: midnight + 10), since: midnight + 20))
        #expect(ProcessAdmission.counts(Date(timeIntervalSince1970: midnight + 20), since: midnight + 20))
    }

    @Test func reservationsOlderThanTheirTTLNoLongerCount() async throws {
        // Given a call that reserved 900 of 1,000 and never released it (its process would have died mid-call)
        let admission = ProcessAdmission(spend: HeldSpend())
        try await reserve(admission, BudgetReservation(callerID: "k", amount: MicroUSD(900)))
        // Then 900 more do not fit within the reservation TTL, and fit once it has passed
        await #expect(throws: BudgetExceeded.self) {
            try await admission.reserve(BudgetReservation(callerID: "k", amount: MicroUSD(900)), windows: [Self.day], now: Self.now.addingTimeInterval(899), reservationTTL: 900)
        }
        try await admission.reserve(BudgetReservation(callerID: "k", amount: MicroUSD(900)), windows: [Self.day], now: Self.now.addingTimeInterval(901), reservationTTL: 900)
        // And another caller's reservations never count against this one
        try await admission.reserve(BudgetReservation(callerID: "other", amount: MicroUSD(1000)), windows: [Self.day], now: Self.now, reservationTTL: 900)
    }

    @Test func rateLimitBucketsRefillAndRefuseAsTheStoresDo() async throws {
        let admission = ProcessAdmission(spend: HeldSpend())
        // Given a bucket of 2 per minute: two pass, the third is refused with a retry time
        let decisions = try await (0..<3).asyncMap { _ in try await admission.consume(bucket: "b", cost: 1, limit: 2, now: Self.now) }
        #expect(decisions.map(\.allowed) == [true, true, false])
        #expect(decisions[2].retryAfterSeconds > 29 && decisions[2].retryAfterSeconds <= 30)
        // When 30 s have passed, one unit is back
        let later = try await admission.consume(bucket: "b", cost: 1, limit: 2, now: Self.now.addingTimeInterval(30))
        #expect(later.allowed)
        // And a charge larger than the limit never passes
        #expect(try await !admission.consume(bucket: "c", cost: 3, limit: 2, now: Self.now).allowed)
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

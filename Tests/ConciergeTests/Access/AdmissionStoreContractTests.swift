import ConciergeCore
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// One admission (rate charges, then a budget reservation, in one transaction) behaves the same on SQLite and
/// PostgreSQL, and exactly as the separate checks did.
@Suite struct AdmissionStoreContractTests {
    typealias Backing = AdmissionStore & RateLimitStore & BudgetStore
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func with(_ backend: JobBackend, _ body: @escaping @Sendable (any Backing) async throws -> Void) async throws {
        try await MigratedStore.with(backend) { store, _ in try await body(store) }
    }

    static func window(limit: Int64) -> BudgetWindow {
        let start = Calendar.utc.startOfDay(for: now)
        return BudgetWindow(name: "day", start: start, resetsAt: start.addingTimeInterval(86_400), limit: MicroUSD(limit))
    }

    static func admission(caller: String, amount: Int64, limit: Int64, rpm: Int = 1000, tpm: Int = 100_000) -> Admission {
        Admission(
            charges: [
                RateCharge(bucket: "rpm:key:\(caller)", cost: 1, limit: rpm), RateCharge(bucket: "tpm:key:\(caller)", cost: 100, limit: tpm),
            ],
            reservation: BudgetReservation(callerID: caller, amount: MicroUSD(amount)), windows: [window(limit: limit)], reservationTTL: 900,
            now: now
        )
    }

    @Test(arguments: JobBackend.allCases) func fiftyConcurrentAdmissionsAgainstABudgetForTenAdmitTenAndChargeAll(_ backend: JobBackend) async throws {
        try await Self.with(backend) { store in try await Self.fiftyAdmitTen(store, admission: store) }
    }

    static func fiftyAdmitTen(_ store: any Backing, admission: any AdmissionStore) async throws {
        // Given a budget for exactly ten reservations of 100
        // When fifty callers are admitted at once
        let results = try await withThrowingTaskGroup(of: AdmissionResult.self) { group in
            for _ in 0..<50 { group.addTask { try await admission.admit(Self.admission(caller: "k1", amount: 100, limit: 1000)) } }
            return try await group.reduce(into: [AdmissionResult]()) { $0.append($1) }
        }
        // Then ten are admitted, forty are over budget, and every one spent its rate charges
        #expect(results.filter(\.admitted).count == 10)
        #expect(results.filter { $0.budgetExceeded != nil }.count == 40)
        #expect(results.allSatisfy { $0.decisions.count == 2 && $0.decisions.allSatisfy(\.allowed) })
        let rpm = try await store.consume(bucket: "rpm:key:k1", cost: 1, limit: 1000, now: Self.now)
        #expect((1000 - 52)...(1000 - 51) ~= rpm.remaining)  // 51 spent (GCRA arithmetic in floating point)
        // And the ten reservations hold the whole budget
        await #expect(throws: BudgetExceeded.self) {
            try await store.reserve(BudgetReservation(callerID: "k1", amount: MicroUSD(1)), windows: [Self.window(limit: 1000)], now: Self.now, reservationTTL: 900)
        }
    }

    @Test(arguments: JobBackend.allCases) func aRefusedChargeStopsLaterChargesAndTheReservation(_ backend: JobBackend) async throws {
        try await Self.with(backend) { store in try await Self.refusedChargeStopsTheRest(store) }
    }

    /// The same contract decided in the process's memory, as the server does on SQLite (``ProcessAdmission``).
    @Test func processAdmissionKeepsTheContract() async throws {
        try await Self.with(.sqlite) { store in
            let admission = ProcessAdmission(spend: store)
            try await Self.fiftyAdmitTen(admission, admission: admission)
            try await Self.refusedChargeStopsTheRest(ProcessAdmission(spend: store))
            let free = try await admission.admit(Admission(charges: [], reservation: nil, windows: [], reservationTTL: 900, now: Self.now))
            #expect(free.admitted && free.decisions.isEmpty)
        }
    }

    static func refusedChargeStopsTheRest(_ store: any Backing) async throws {
        // Given a key allowed one request per minute
        let first = try await store.admit(Self.admission(caller: "k2", amount: 100, limit: 1000, rpm: 1))
        #expect(first.admitted)
        // When a second call comes within the minute
        let second = try await store.admit(Self.admission(caller: "k2", amount: 100, limit: 1000, rpm: 1))
        // Then the request rate refuses it, and neither the token bucket nor the budget were touched
        #expect(!second.admitted && second.decisions.count == 1 && !second.decisions[0].allowed && second.budgetExceeded == nil)
        #expect(second.decisions[0].retryAfterSeconds > 0)
        let tokens = try await store.consume(bucket: "tpm:key:k2", cost: 1, limit: 100_000, now: Self.now)
        #expect((100_000 - 102)...(100_000 - 101) ~= tokens.remaining)  // 100 + 1 spent, not 201
        try await store.reserve(BudgetReservation(callerID: "k2", amount: MicroUSD(900)), windows: [Self.window(limit: 1000)], now: Self.now, reservationTTL: 900)
    }

    @Test func budgetWindowsAreUTCCalendarDaysAndMonths() {
        let limits = KeyLimits(budgetPerDay: MicroUSD(1), budgetPerMonth: MicroUSD(2))
        for seconds in [0.0, 1.0, 86_399.999, 86_400, 951_782_400 - 0.5, 951_782_400, 1_800_000_000, 1_835_000_000.25] {
            let now = Date(timeIntervalSince1970: seconds)
            let windows = BudgetWindow.windows(limits, now: now)
            #expect(windows.map(\.name) == ["day", "month"])
            let day = Calendar.utc.dateInterval(of: .day, for: now)!
            let month = Calendar.utc.dateInterval(of: .month, for: now)!
            #expect(windows[0].start == day.start && windows[0].resetsAt == day.end)
            #expect(windows[1].start == month.start && windows[1].resetsAt == month.end)
        }
    }

    @Test(arguments: JobBackend.allCases) func anAdmissionWithoutChargesOrBudgetAdmits(_ backend: JobBackend) async throws {
        try await Self.with(backend) { store in
            let result = try await store.admit(Admission(charges: [], reservation: nil, windows: [], reservationTTL: 900, now: Self.now))
            #expect(result.admitted && result.decisions.isEmpty)
            let single = try await store.admit(
                Admission(charges: [RateCharge(bucket: "rpm:ip:x", cost: 2, limit: 1)], reservation: nil, windows: [], reservationTTL: 900, now: Self.now)
            )
            #expect(!single.admitted && single.decisions.count == 1)
        }
    }
}

extension Calendar {
    fileprivate static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }
}

public import Foundation

/// One budget period of a caller: spend since `start` may not pass `limit`.
public struct BudgetWindow: Sendable, Hashable {
    /// `day` or `month` (UTC calendar periods).
    public var name: String
    public var start: Date
    public var resetsAt: Date
    public var limit: MicroUSD

    public init(name: String, start: Date, resetsAt: Date, limit: MicroUSD) {
        self.name = name
        self.start = start
        self.resetsAt = resetsAt
        self.limit = limit
    }

    /// The day and month windows of `limits` that hold at `now`, in UTC.
    public static func windows(_ limits: KeyLimits, now: Date) -> [BudgetWindow] {
        var windows: [BudgetWindow] = []
        if let limit = limits.budgetPerDay {
            // A UTC day is 86,400 s of Unix time: no calendar needed (it was 1 % of a gateway call's CPU).
            let start = Date(timeIntervalSince1970: Double(BudgetSpend.day(now)) * BudgetSpend.secondsPerDay)
            windows.append(BudgetWindow(name: "day", start: start, resetsAt: start.addingTimeInterval(BudgetSpend.secondsPerDay), limit: limit))
        }
        if let limit = limits.budgetPerMonth {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
            windows.append(BudgetWindow(name: "month", start: start, resetsAt: calendar.date(byAdding: .month, value: 1, to: start)!, limit: limit))
        }
        return windows
    }
}

/// A call's worst-case cost, held against the caller's budgets until the real cost is in the ledger.
public struct BudgetReservation: Sendable, Hashable {
    public var id: String
    public var callerID: String
    public var amount: MicroUSD

    public init(id: String = UUIDText.timeOrdered(), callerID: String, amount: MicroUSD) {
        self.id = id
        self.callerID = callerID
        self.amount = amount
    }
}

/// A call refused because its worst case does not fit what remains of a budget.
public struct BudgetExceeded: Error, Sendable, Hashable {
    public var window: BudgetWindow
    /// Ledger spend plus open reservations in the window, before this call.
    public var committed: MicroUSD
    public var requested: MicroUSD

    public init(window: BudgetWindow, committed: MicroUSD, requested: MicroUSD) {
        self.window = window
        self.committed = committed
        self.requested = requested
    }
}

/// Budget state in the store (migration 5: `budget_reservations` beside the ledger).
public protocol BudgetStore: Sendable {
    /// Atomically, for every window: ledger spend of the caller since the window's start, plus its open reservations
    /// younger than `reservationTTL`, plus `reservation.amount` must fit the limit; then the reservation is stored.
    /// Concurrent calls on any replica are serialised per caller. Throws ``BudgetExceeded`` otherwise.
    func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws
    /// Drops a reservation once the call's ledger rows are written.
    func release(_ reservationID: String) async throws
    /// Drops several reservations at once (one transaction where the store can).
    func release(_ reservationIDs: [String]) async throws
    /// The caller's ledger spend since `since` (reservations not included).
    func spent(callerID: String, since: Date) async throws -> MicroUSD
}

extension BudgetStore {
    public func release(_ reservationIDs: [String]) async throws {
        for id in reservationIDs { try await release(id) }
    }
}

/// What a chat call can cost at most, from its prompt and `max_tokens` at the dearest deployment it may reach.
public protocol CostEstimator: Sendable {
    /// nil when the model is unknown or a bound cannot be given (for example no `max_tokens`).
    func worstCaseCost(_ request: ChatRequest) -> MicroUSD?
}

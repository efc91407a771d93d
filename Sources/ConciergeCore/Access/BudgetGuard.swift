public import Foundation

/// Admits model calls against per-caller daily and monthly budgets: reserve the worst case, call, release the
/// reservation once the real cost is in the ledger. The gateway uses it; agents can wrap their calls the same way.
public struct BudgetGuard: Sendable {
    public let store: any BudgetStore
    let estimator: any CostEstimator
    /// `max_tokens` put on calls that name none, so that their worst case is bounded.
    public let defaultMaxTokens: Int
    /// Reservations older than this no longer count (a crashed replica's are forgotten); longer than any call.
    public let reservationTTL: TimeInterval
    let now: @Sendable () -> Date
    /// When the ledger writes behind the response, reservations are released only once the call's rows are durable.
    let barrier: (any LedgerBarrier)?

    public init(
        store: any BudgetStore, estimator: any CostEstimator, defaultMaxTokens: Int = 4096, reservationTTL: TimeInterval = 900,
        barrier: (any LedgerBarrier)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.barrier = barrier
        self.estimator = estimator
        self.defaultMaxTokens = defaultMaxTokens
        self.reservationTTL = reservationTTL
        self.now = now
    }

    /// The request as it will be sent: with a `max_tokens` when the caller has a budget and gave none.
    public func bounded(_ request: ChatRequest, limits: KeyLimits) -> ChatRequest {
        var request = request
        if limits.budgetPerDay != nil || limits.budgetPerMonth != nil, request.maxTokens == nil { request.maxTokens = defaultMaxTokens }
        return request
    }

    /// Reserves the worst case of `request` for `callerID`, or throws ``BudgetExceeded``. nil when no budget applies.
    public func admit(_ request: ChatRequest, callerID: String, limits: KeyLimits) async throws -> BudgetReservation? {
        guard let plan = plan(request, callerID: callerID, limits: limits, now: now()) else { return nil }
        try await store.reserve(plan.reservation, windows: plan.windows, now: now(), reservationTTL: reservationTTL)
        return plan.reservation
    }

    /// The reservation ``admit(_:callerID:limits:)`` would store and the windows it must fit, for callers that
    /// store it in one ``Admission`` with their rate charges. nil when no budget applies.
    public func plan(
        _ request: ChatRequest, callerID: String, limits: KeyLimits, now: Date
    ) -> (reservation: BudgetReservation, windows: [BudgetWindow])? {
        let windows = BudgetWindow.windows(limits, now: now)
        guard !windows.isEmpty else { return nil }
        let amount = estimator.worstCaseCost(request) ?? windows.map(\.limit).max()! + MicroUSD(1)
        return (BudgetReservation(callerID: callerID, amount: amount), windows)
    }

    /// The guard's clock.
    public var currentTime: Date { now() }

    /// Releases a reservation after the call, whatever its outcome: at once, or with a ``LedgerBarrier`` after the
    /// call's ledger rows are durable. Best effort: an unreleased one lapses after the TTL.
    public func settle(_ reservation: BudgetReservation?) async {
        guard let reservation else { return }
        if let barrier {
            barrier.releaseAfterDurable(reservation.id)
            return
        }
        try? await store.release(reservation.id)
    }

    /// Runs `body` inside a reservation.
    public func withBudget<T: Sendable>(
        _ request: ChatRequest, callerID: String, limits: KeyLimits, _ body: (ChatRequest) async throws -> T
    ) async throws -> T {
        let request = bounded(request, limits: limits)
        let reservation = try await admit(request, callerID: callerID, limits: limits)
        do {
            let result = try await body(request)
            await settle(reservation)
            return result
        } catch {
            await settle(reservation)
            throw error
        }
    }

    /// Spend and what remains in each of the caller's windows, for `GET /v1/usage`.
    public func status(callerID: String, limits: KeyLimits) async throws -> [(window: BudgetWindow, spent: MicroUSD)] {
        var result: [(window: BudgetWindow, spent: MicroUSD)] = []
        for window in BudgetWindow.windows(limits, now: now()) {
            result.append((window, try await store.spent(callerID: callerID, since: window.start)))
        }
        return result
    }
}

public import ConciergeCore
public import Foundation
public import Hummingbird

/// `GET /v1/usage`: the caller's spend today and this month (UTC) and what remains of its budgets.
/// Analysts and admins may ask about another key with `?key_id=`.
public struct UsageController: Sendable {
    let budgets: any BudgetStore
    let keys: (any APIKeyStore)?
    let now: @Sendable () -> Date

    public init(budgets: any BudgetStore, keys: (any APIKeyStore)?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.budgets = budgets
        self.keys = keys
        self.now = now
    }

    struct Period: Encodable {
        let start: Date
        let resetsAt: Date
        let spentUSD: String
        let budgetUSD: String?
        let remainingUSD: String?

        enum CodingKeys: String, CodingKey {
            case start
            case resetsAt = "resets_at"
            case spentUSD = "spent_usd"
            case budgetUSD = "budget_usd"
            case remainingUSD = "remaining_usd"
        }
    }

    struct Usage: Encodable {
        let keyID: String
        let day: Period
        let month: Period

        enum CodingKeys: String, CodingKey {
            case day, month
            case keyID = "key_id"
        }
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/v1/usage") { request, context in try await self.usage(request, context: context) }
    }

    func usage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = context.principal ?? .local
        var keyID = caller.id
        var limits = caller.limits
        if let asked = request.uri.queryParameters["key_id"].map(String.init), asked != caller.id {
            guard caller.role >= .analyst else { throw APIError(.forbidden, code: "forbidden", message: "Only analysts and admins see other keys.") }
            guard let record = try await keys?.key(id: asked) else { throw APIError.notFound("Key \(ErrorMiddleware.safePath(asked)) does not exist.") }
            keyID = record.id
            limits = record.limits
        }
        let now = now()
        let all = BudgetWindow.windows(KeyLimits(budgetPerDay: MicroUSD(Int64.max), budgetPerMonth: MicroUSD(Int64.max)), now: now)
        var periods: [Period] = []
        for window in all {
            let spent = try await budgets.spent(callerID: keyID, since: window.start)
            let budget = window.name == "day" ? limits.budgetPerDay : limits.budgetPerMonth
            periods.append(Period(
                start: window.start, resetsAt: window.resetsAt, spentUSD: spent.description, budgetUSD: budget?.description,
                remainingUSD: budget.map { MicroUSD(max($0.value - spent.value, 0)).description }
            ))
        }
        return KeysAdminController.json(Usage(keyID: keyID, day: periods[0], month: periods[1]))
    }
}

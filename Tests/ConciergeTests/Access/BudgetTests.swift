import ConciergeCore
import ConciergeLLM
import ConciergeTestSupport
import Foundation
import Logging
import Prometheus
import Testing

/// Budgets on the real ledger of each backend, through the real router: concurrent callers can never overspend.
@Suite struct BudgetTests {
    /// A provider that always uses 10 prompt and 1,000 completion tokens.
    struct FixedUsageModel: ChatModel {
        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            await Task.yield()
            return ChatResponse(model: "fixed", content: "ok", finishReason: .stop, usage: TokenUsage(promptTokens: 10, completionTokens: 1000))
        }

        func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws {
            throw LLMError(.request, "no streams here")
        }
    }

    typealias Backing = UsageLedger & BudgetStore
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func with(_ backend: JobBackend, _ body: @escaping @Sendable (any Backing) async throws -> Void) async throws {
        try await MigratedStore.with(backend) { store, _ in try await body(store) }
    }

    static func router(ledger: any UsageLedger) throws -> ModelRouter {
        // 1 USD per million input tokens, 2 USD per million output tokens: 1 and 2 micro-USD per token.
        let prices = TokenPrices(inputPerMillion: MicroUSD(usd: 1), outputPerMillion: MicroUSD(usd: 2))
        return try ModelRouter(
            deployments: [.init(settings: DeploymentSettings(name: "fixed", baseURL: "http://unused", model: "fixed", prices: prices), chat: FixedUsageModel())],
            aliases: ["default": ["fixed"]], ledger: ledger, cache: nil,
            metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), logger: logger
        )
    }

    static let request = ChatRequest(messages: [.user("Hi")], maxTokens: 1000)

    @Test(arguments: JobBackend.allCases) func fiftyConcurrentCallsAgainstABudgetForTenAdmitTen(_ backend: JobBackend) async throws {
        try await Self.with(backend) { store in try await Self.fiftyCallsAdmitTen(store, budgets: store) }
    }

    /// The same with budgets decided in the process's memory, as the server does on SQLite.
    @Test func fiftyConcurrentCallsThroughProcessAdmissionAdmitTen() async throws {
        try await Self.with(.sqlite) { store in
            let admission = ProcessAdmission(spend: store)
            try await Self.fiftyCallsAdmitTen(store, budgets: admission, ledger: SpendTrackingLedger(store, admission: admission))
            #expect(admission.openReservations == 0)
        }
    }

    static func fiftyCallsAdmitTen(_ store: any Backing, budgets: any BudgetStore, ledger: (any UsageLedger)? = nil) async throws {
        // Given a budget that covers exactly ten worst cases
        let router = try Self.router(ledger: ledger ?? store)
        let worst = try #require(router.worstCaseCost(Self.request))
        #expect(worst == MicroUSD(18 + 2000))
        let limits = KeyLimits(budgetPerDay: MicroUSD(worst.value * 10))
        let guardian = BudgetGuard(store: budgets, estimator: router)
        // When fifty callers run at once
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    var request = Self.request
                    request.attribution = CallAttribution(requestID: "r\(index)", callerID: "key-1")
                    do {
                        _ = try await guardian.withBudget(request, callerID: "key-1", limits: limits) { try await router.complete($0) }
                        return true
                    } catch is BudgetExceeded {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        // Then exactly ten ran and the ledger stays within the budget
        #expect(outcomes.filter { $0 }.count == 10)
        let spent = try await store.spent(callerID: "key-1", since: Date(timeIntervalSince1970: 0))
        #expect(spent == MicroUSD(2010 * 10))
        #expect(spent <= limits.budgetPerDay!)
        // And other callers have their own budget
        var other = Self.request
        other.attribution.callerID = "key-2"
        _ = try await guardian.withBudget(other, callerID: "key-2", limits: limits) { try await router.complete($0) }
    }

    @Test func exhaustedBudgetSaysWhichAndWhenItResets() async throws {
        try await Self.with(.sqlite) { store in
            let router = try Self.router(ledger: store)
            let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
            let guardian = BudgetGuard(store: store, estimator: router, now: { now })
            let limits = KeyLimits(budgetPerDay: MicroUSD(1_000_000), budgetPerMonth: MicroUSD(1000))
            let error = await #expect(throws: BudgetExceeded.self) {
                try await guardian.withBudget(Self.request, callerID: "k", limits: limits) { try await router.complete($0) }
            }
            #expect(error?.window.name == "month")
            #expect(error?.window.resetsAt == ISO8601DateFormatter().date(from: "2027-02-01T00:00:00Z"))
            // A call without max_tokens gets the default bound rather than an unbounded worst case
            let bounded = guardian.bounded(ChatRequest(messages: [.user("Hi")]), limits: limits)
            #expect(bounded.maxTokens == 4096)
            #expect(guardian.bounded(ChatRequest(messages: [.user("Hi")]), limits: KeyLimits()).maxTokens == nil)
        }
    }
}

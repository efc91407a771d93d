import ConciergeCore
import ConciergeLLM
import ConciergeTestSupport
import Logging
import Prometheus

/// A router over scripted deployments with a test clock, an in-memory ledger and its own metrics registry.
struct RouterHarness {
    let router: ModelRouter
    let models: [String: ScriptedChatModel]
    let clock: TestLLMClock
    let ledger: InMemoryUsageLedger
    let registry: PrometheusCollectorRegistry

    init(
        _ scripts: KeyValuePairs<String, [ScriptedChatModel.Step]>, aliases: [String: [String]]? = nil, maxRetries: Int = 2,
        breakerFailures: Int = 5, coolDown: Duration = .seconds(30), cache: Bool = false,
        prices: TokenPrices = TokenPrices(inputPerMillion: MicroUSD(usd: 1), outputPerMillion: MicroUSD(usd: 2))
    ) throws {
        let clock = TestLLMClock()
        let ledger = InMemoryUsageLedger()
        let registry = PrometheusCollectorRegistry()
        var models: [String: ScriptedChatModel] = [:]
        var deployments: [ModelRouter.Deployment] = []
        for (name, steps) in scripts {
            let model = ScriptedChatModel(name, steps: steps)
            models[name] = model
            deployments.append(.init(
                settings: DeploymentSettings(name: name, baseURL: "http://unused", model: "\(name)-model", prices: prices),
                chat: model, embeddings: model
            ))
        }
        self.router = try ModelRouter(
            deployments: deployments, aliases: aliases ?? ["default": scripts.map(\.0)], ledger: ledger, cache: cache ? ledger : nil,
            metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: registry)), clock: clock,
            settings: .init(
                retry: RetryPolicy(maxRetries: maxRetries, baseDelay: .milliseconds(100), random: { 0 }),
                breakerFailureThreshold: breakerFailures, breakerCoolDown: coolDown
            ),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        self.models = models
        self.clock = clock
        self.ledger = ledger
        self.registry = registry
    }

    var metricsText: String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static let question = ChatRequest(messages: [.user("Hi")], attribution: CallAttribution(requestID: "req-1"))
}

extension LLMError {
    static let boom = LLMError(.server, "boom", status: 500)
}

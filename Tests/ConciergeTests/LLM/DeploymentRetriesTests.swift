@testable import concierge
import ConciergeCore
import ConciergeLLM
import ConciergeTestSupport
import Logging
import Prometheus
import Testing

/// A deployment's own retry count, and the bounds of the built-in local deployment.
@Suite struct DeploymentRetriesTests {
    @Test func aDeploymentsOwnRetryCountOverridesTheRouters() async throws {
        // Given a router retrying twice, in front of a deployment that retries never
        let a = ScriptedChatModel("a", steps: [.fail(.boom)])
        let b = ScriptedChatModel("b", steps: [.respond(.text("from b"))])
        let ledger = InMemoryUsageLedger()
        let router = try ModelRouter(
            deployments: [
                .init(settings: DeploymentSettings(name: "a", baseURL: "http://unused", model: "a", maxRetries: 0), chat: a),
                .init(settings: DeploymentSettings(name: "b", baseURL: "http://unused", model: "b"), chat: b),
            ],
            aliases: ["default": ["a", "b"]], ledger: ledger, cache: nil,
            metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), clock: TestLLMClock(),
            settings: .init(retry: RetryPolicy(maxRetries: 2)), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        // When a call fails on it
        let response = try await router.complete(RouterHarness.question)
        // Then the router falls back at once
        #expect(response.content == "from b")
        #expect(ledger.all.map(\.deployment) == ["a", "b"])
    }

    @Test func theLocalDeploymentIsBoundedByItsOwnSettings() {
        var configuration = AppConfiguration()
        let local = LLMSetup.resolve(configuration, environment: [:]).deployments.first { $0.name == LLMSetup.localName }
        #expect(local?.timeout == .seconds(20) && local?.maxRetries == 0)
        configuration.llmLocalTimeoutSeconds = 90
        configuration.llmLocalMaxRetries = 1
        let tuned = LLMSetup.resolve(configuration, environment: [:]).deployments.first { $0.name == LLMSetup.localName }
        #expect(tuned?.timeout == .seconds(90) && tuned?.maxRetries == 1)
    }
}

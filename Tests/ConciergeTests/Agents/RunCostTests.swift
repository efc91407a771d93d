import ConciergeAgents
import ConciergeCore
import ConciergeLLM
import ConciergeTestSupport
import ConciergeTools
import Foundation
import Logging
import Prometheus
import Testing

/// A run's usage is what the ledger recorded for the run's model calls, whichever deployments served them.
@Suite struct RunCostTests {
    let tools = ToolRegistry.offline(now: { Date(timeIntervalSince1970: 1_795_316_400) }).all

    func run(_ model: any ChatModel, metrics: AgentMetrics? = nil) async throws -> TaskRun {
        let runner = AgentRunner(model: model, tools: tools, unitNames: UnitConvertTool.unitNames, metrics: metrics, logger: .quiet)
        let recorder = MemoryRunRecorder()
        return try await runner.run(.fresh(AgentRunnerTests.acceptance), journal: recorder, events: recorder, save: { recorder.save($0) })
    }

    static func totals(_ ledger: InMemoryUsageLedger, runID: String) -> (prompt: Int, completion: Int, cost: Int64) {
        let rows = ledger.all.filter { $0.runID == runID }
        return (rows.reduce(0) { $0 + $1.promptTokens }, rows.reduce(0) { $0 + $1.completionTokens }, rows.reduce(0) { $0 + $1.cost.value })
    }

    @Test func runCostIsTheSumOfItsLedgerRows() async throws {
        // Given a router over one priced deployment that plans and judges
        let harness = try RouterHarness(["priced": [.respond(AgentRunnerTests.goodPlan), .respond(AgentRunnerTests.pass)]])
        let registry = PrometheusCollectorRegistry()
        // When a run goes through it
        let run = try await run(harness.router, metrics: AgentMetrics(factory: PrometheusMetricsFactory(registry: registry)))
        // Then the run's usage equals the ledger's rows for the run, and the cost histogram saw it
        #expect(run.status == .succeeded)
        let ledger = Self.totals(harness.ledger, runID: run.id)
        #expect(ledger.cost > 0)
        #expect(run.usage.costMicroUSD == ledger.cost)
        #expect(run.usage.promptTokens == ledger.prompt && run.usage.completionTokens == ledger.completion)
        // 150 prompt tokens at 1 USD/M + 50 completion tokens at 2 USD/M = 250 micro-USD
        #expect(run.usage.costMicroUSD == 250)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.contains("concierge_task_cost_usd_sum 0.00025"))
        #expect(text.contains("concierge_task_cost_usd_count 1"))
    }

    @Test func fallbackAttemptsAreChargedAtTheirOwnDeploymentsPrices() async throws {
        // Given a chain whose first deployment bills a failed attempt and whose second has other prices
        let ledger = InMemoryUsageLedger()
        let cutOff = LLMError(.server, "cut off", status: 500, usage: TokenUsage(promptTokens: 100, completionTokens: 7))
        let first = ScriptedChatModel("first", steps: [.fail(cutOff)])
        let second = ScriptedChatModel("second", steps: [.respond(AgentRunnerTests.goodPlan), .respond(AgentRunnerTests.pass)])
        let router = try ModelRouter(
            deployments: [
                .init(settings: DeploymentSettings(name: "first", baseURL: "http://unused", model: "m1", prices: Self.prices(input: 3, output: 9)), chat: first),
                .init(settings: DeploymentSettings(name: "second", baseURL: "http://unused", model: "m2", prices: Self.prices(input: 1, output: 2)), chat: second),
            ],
            aliases: ["default": ["first", "second"]], ledger: ledger, cache: nil,
            metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), clock: TestLLMClock(),
            settings: .init(retry: RetryPolicy(maxRetries: 0), breakerFailureThreshold: 1), logger: .quiet
        )
        // When a run goes through the chain
        let run = try await run(router)
        // Then both deployments' rows are in the run's usage: 100×3 + 7×9 = 363 on the first, 250 on the second
        #expect(run.status == .succeeded)
        #expect(Set(ledger.all.map(\.deployment)) == ["first", "second"])
        let totals = Self.totals(ledger, runID: run.id)
        #expect(run.usage.costMicroUSD == totals.cost)
        #expect(run.usage.costMicroUSD == 363 + 250)
        #expect(run.usage.promptTokens == totals.prompt && run.usage.completionTokens == totals.completion)
    }

    static func prices(input: Double, output: Double) -> TokenPrices {
        TokenPrices(inputPerMillion: MicroUSD(usd: input), outputPerMillion: MicroUSD(usd: output))
    }
}

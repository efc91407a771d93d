import AsyncHTTPClient
import ConciergeCore
import ConciergeHTTP
import ConciergeLLM
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import Synchronization
import Testing

/// 200 concurrent calls through the real gateway, router, client and SQLite ledger against a fixture upstream that
/// fails some calls: the ledger must hold exactly one row per upstream attempt, and its tokens must equal the usage
/// the upstream reported.
@Suite struct GatewayConcurrencyTests {
    /// Upstream state: every attempt it saw and the usage it reported.
    final class Upstream: Sendable {
        struct Tally { var attempts = 0, failures = 0, prompt = 0, completion = 0, failedCalls: Set<Int> = [] }
        let tally = Mutex(Tally())

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/v1/chat/completions") { request, _ -> Response in
                let sent = String(buffer: try await request.body.collect(upTo: 1 << 20))
                // Every 7th call fails once (503) and succeeds when retried.
                let call = sent.split(separator: "call ").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? -1
                let (fail, prompt, completion) = self.tally.withLock { tally -> (Bool, Int, Int) in
                    tally.attempts += 1
                    let n = tally.attempts
                    if call % 7 == 0, tally.failedCalls.insert(call).inserted {
                        tally.failures += 1
                        return (true, 0, 0)
                    }
                    let prompt = 10 + n % 5, completion = 3 + n % 11
                    tally.prompt += prompt
                    tally.completion += completion
                    return (false, prompt, completion)
                }
                if fail { return ProviderFixture.json(Data(#"{"error":{"message":"busy"}}"#.utf8), status: .serviceUnavailable) }
                let body = #"{"id":"c","model":"fixture","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion)}}"#
                return ProviderFixture.json(Data(body.utf8))
            }
            return router
        }
    }

    @Test func twoHundredConcurrentCallsLeaveOneLedgerRowPerAttempt() async throws {
        let upstream = Upstream()
        let upstreamApp = Application(router: upstream.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstreamApp.test(.live) { upstreamClient in
            try await TemporaryDirectory.with { directory in
                let store = try SQLiteStore(path: directory + "/c.sqlite", logger: LedgerContractTests.logger)
                _ = try await store.migrate()
                let registry = PrometheusCollectorRegistry()
                let deployment = DeploymentSettings(
                    name: "fixture", baseURL: "http://127.0.0.1:\(upstreamClient.port!)/v1", model: "fixture-model",
                    prices: TokenPrices(inputPerMillion: MicroUSD(usd: 1), outputPerMillion: MicroUSD(usd: 4)), maxConcurrency: 32
                )
                let router = try ModelRouter(
                    deployments: [.init(settings: deployment, chat: OpenAICompatibleChatModel(deployment: deployment, httpClient: TestHTTPClient.shared, logger: LedgerContractTests.logger))],
                    aliases: ["default": ["fixture"]], ledger: GroupCommitLedger(store), cache: nil,
                    metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: registry)),
                    settings: .init(retry: RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(1)), breakerFailureThreshold: 1000),
                    logger: LedgerContractTests.logger
                )
                let gateway = ModelsGatewayController(chat: router, embeddings: router, catalog: router)
                let app = Application(
                    router: buildRouter(HTTPDependencies(maxBodyBytes: 1 << 20, healthChecks: [], registry: registry)) { gateway.register(on: $0) },
                    configuration: .init(address: .hostname("127.0.0.1", port: 0))
                )
                try await app.test(.live) { client in
                    let port = client.port!
                    // When 200 callers ask at once
                    let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                        for index in 0..<200 {
                            group.addTask {
                                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
                                request.method = .POST
                                request.headers.add(name: "Content-Type", value: "application/json")
                                request.body = .bytes(ByteBuffer(string: #"{"model":"default","messages":[{"role":"user","content":"call \#(index)"}]}"#))
                                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                                _ = try await response.body.collect(upTo: 1 << 20)
                                return response.status.code
                            }
                        }
                        return try await group.reduce(into: [UInt]()) { $0.append($1) }
                    }
                    // Then every caller got an answer (failures were retried invisibly)
                    #expect(statuses.count == 200)
                    #expect(statuses.filter { $0 != 200 }.isEmpty, "statuses other than 200: \(statuses.filter { $0 != 200 })")
                }
                let tally = upstream.tally.withLock { $0 }
                let totals = try await store.totals(since: nil)
                let rows = try await store.records(UsageQuery(limit: 10_000))
                #expect(tally.failures == 29)
                #expect(totals.rows == tally.attempts)
                #expect(rows.filter { $0.outcome == .success }.count == 200)
                #expect(rows.filter { $0.outcome == .error }.count == tally.failures)
                #expect(totals.promptTokens == tally.prompt)
                #expect(totals.completionTokens == tally.completion)
                #expect(totals.cost == rows.reduce(MicroUSD.zero) { $0 + $1.cost })
                #expect(rows.allSatisfy { !$0.estimated })
                try await store.close()
            }
        }
    }
}

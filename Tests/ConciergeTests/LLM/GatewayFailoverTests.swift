import AsyncHTTPClient
import ConciergeCore
import ConciergeHTTP
import ConciergeLLM
import ConciergeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// The acceptance scenario: the primary upstream dies mid-load; plain calls fall back with no client-visible error,
/// the primary's breaker opens and shows in readiness and metrics, and closes again once the upstream is back.
@Suite struct GatewayFailoverTests {
    final class BoundPort: Sendable {
        let value = Mutex(0)
    }

    static func upstream(name: String, port: Int, bound: BoundPort) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            let body = #"{"id":"c","model":"\#(name)","choices":[{"index":0,"message":{"role":"assistant","content":"from \#(name)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#
            return ProviderFixture.json(Data(body.utf8))
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in bound.value.withLock { $0 = channel.localAddress?.port ?? 0 } },
            logger: Logger(label: "fixture") { _ in SwiftLogNoOpLogHandler() }
        )
    }

    /// Runs an upstream until its returned group is shut down; returns the group, its task and its port.
    static func start(name: String, port: Int) async throws -> (ServiceGroup, Task<Void, any Error>, Int) {
        let bound = BoundPort()
        let group = ServiceGroup(services: [upstream(name: name, port: port, bound: bound)], logger: Logger(label: "fixture") { _ in SwiftLogNoOpLogHandler() })
        let task = Task { try await group.run() }
        _ = await eventually { bound.value.withLock { $0 } != 0 }
        return (group, task, bound.value.withLock { $0 })
    }

    static func ask(_ port: Int) async throws -> (UInt, String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"default","messages":[{"role":"user","content":"hi"}]}"#))
        let response = try await TestHTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, String(buffer: body))
    }

    static func get(_ port: Int, _ path: String) async throws -> String {
        let response = try await TestHTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    @Test func primaryDyingMidLoadFallsBackAndTheBreakerRecovers() async throws {
        let (primary, primaryTask, primaryPort) = try await Self.start(name: "primary", port: 0)
        let (secondary, secondaryTask, secondaryPort) = try await Self.start(name: "secondary", port: 0)
        let clock = TestLLMClock()
        let registry = PrometheusCollectorRegistry()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        func deployment(_ name: String, _ port: Int) -> ModelRouter.Deployment {
            let settings = DeploymentSettings(name: name, baseURL: "http://127.0.0.1:\(port)/v1", model: name, timeout: .seconds(5))
            return .init(settings: settings, chat: OpenAICompatibleChatModel(deployment: settings, httpClient: TestHTTPClient.shared, logger: logger))
        }
        let router = try ModelRouter(
            deployments: [deployment("primary", primaryPort), deployment("secondary", secondaryPort)],
            aliases: ["default": ["primary", "secondary"]], ledger: InMemoryUsageLedger(), cache: nil,
            metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: registry)), clock: clock,
            settings: .init(retry: RetryPolicy(maxRetries: 1), breakerFailureThreshold: 3, breakerCoolDown: .seconds(30)), logger: logger
        )
        let gateway = ModelsGatewayController(chat: router, embeddings: router, catalog: router)
        let dependencies = HTTPDependencies(maxBodyBytes: 1 << 20, healthChecks: [LLMHealthCheck(router: router)], registry: registry)
        let app = Application(router: buildRouter(dependencies) { gateway.register(on: $0) }, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = client.port!
            // Given load in flight, when the primary's upstream is killed part-way through
            let answers = try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                for index in 0..<120 {
                    if index == 40 {
                        await primary.triggerGracefulShutdown()
                        try await primaryTask.value
                    }
                    group.addTask { try await Self.ask(port) }
                    if index % 8 == 7 { _ = try await group.next().map { [$0] } }
                }
                return try await group.reduce(into: [(UInt, String)]()) { $0.append($1) }
            }
            // Then no caller saw an error (plain calls), and the later answers came from the secondary
            #expect(answers.allSatisfy { $0.0 == 200 })
            #expect(try await Self.ask(port).1.contains("from secondary"))
            // And the breaker is open, in the readiness document and in the metrics
            #expect(router.circuitStates["primary"] == .open)
            #expect(try await Self.get(port, "/health/ready").contains(#""circuit.primary":"open""#))
            #expect(try await Self.get(port, "/metrics").contains(#"concierge_llm_circuit_open{deployment="primary"} 1"#))

            // When the upstream comes back on its port and the cool-down has passed
            let (restarted, restartedTask, _) = try await Self.start(name: "primary", port: primaryPort)
            clock.advance(by: .seconds(30))
            // Then the probe goes to the primary and the breaker closes
            #expect(try await Self.ask(port).1.contains("from primary"))
            #expect(router.circuitStates["primary"] == .closed)
            #expect(try await Self.get(port, "/metrics").contains(#"concierge_llm_circuit_open{deployment="primary"} 0"#))
            await restarted.triggerGracefulShutdown()
            try await restartedTask.value
        }
        await secondary.triggerGracefulShutdown()
        try await secondaryTask.value
    }
}

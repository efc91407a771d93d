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
import Synchronization
import Testing

/// A client that leaves mid-stream cancels the upstream call at once, and the attempt is recorded as `cancelled`.
@Suite struct GatewayDisconnectTests {
    /// An upstream that streams one token every 20 ms for a long time and notes when its client (Concierge) goes away.
    final class SlowUpstream: Sendable {
        let sawDisconnect = Mutex(false)
        let tokensSent = Mutex(0)

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/v1/chat/completions") { request, _ -> Response in
                _ = try await request.body.collect(upTo: 1 << 20)
                var headers = HTTPFields()
                headers[.contentType] = "text/event-stream"
                return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                    do {
                        for _ in 0..<1000 {
                            let chunk = #"data: {"choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}"# + "\n\n"
                            try await writer.write(ByteBuffer(string: chunk))
                            self.tokensSent.withLock { $0 += 1 }
                            try await Task.sleep(for: .milliseconds(20))  // a slow model, not synchronisation
                        }
                        try await writer.finish(nil)
                    } catch {
                        self.sawDisconnect.withLock { $0 = true }
                        throw error
                    }
                })
            }
            return router
        }
    }

    @Test func clientLeavingCancelsTheUpstreamCall() async throws {
        let upstream = SlowUpstream()
        let upstreamApp = Application(router: upstream.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstreamApp.test(.live) { upstreamClient in
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            let ledger = InMemoryUsageLedger()
            let settings = DeploymentSettings(name: "slow", baseURL: "http://127.0.0.1:\(upstreamClient.port!)/v1", model: "slow")
            let router = try ModelRouter(
                deployments: [.init(settings: settings, chat: OpenAICompatibleChatModel(deployment: settings, httpClient: TestHTTPClient.shared, logger: logger))],
                aliases: ["default": ["slow"]], ledger: ledger, cache: nil,
                metrics: LLMMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), logger: logger
            )
            let gateway = ModelsGatewayController(chat: router, embeddings: router, catalog: router)
            let app = Application(
                router: buildRouter(HTTPDependencies(maxBodyBytes: 1 << 20, healthChecks: [], registry: PrometheusCollectorRegistry())) { gateway.register(on: $0) },
                configuration: .init(address: .hostname("127.0.0.1", port: 0))
            )
            try await app.test(.live) { client in
                // Given a client reading a stream
                let port = client.port!
                let reader = Task {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"model":"default","stream":true,"messages":[{"role":"user","content":"go"}]}"#))
                    let response = try await TestHTTPClient.shared.execute(request, timeout: .seconds(30))
                    for try await _ in response.body {}
                }
                #expect(await eventually { upstream.tokensSent.withLock { $0 } >= 3 })
                // When it goes away mid-stream
                reader.cancel()
                _ = try? await reader.value
                // Then Concierge drops the upstream call at once (long before its 1000 tokens) and records `cancelled`
                #expect(await eventually(timeout: .seconds(5)) { upstream.sawDisconnect.withLock { $0 } })
                #expect(upstream.tokensSent.withLock { $0 } < 500)
                #expect(await eventually { ledger.all.count == 1 })
                #expect(ledger.all.first?.outcome == .cancelled)
            }
        }
    }
}

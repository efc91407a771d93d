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

    /// Runs `body` with a gateway in front of `upstream`, live on 127.0.0.1: its port and its ledger.
    func withGateway(_ upstream: SlowUpstream, _ body: @escaping @Sendable (Int, InMemoryUsageLedger) async throws -> Void) async throws {
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
            try await app.test(.live) { client in try await body(client.port!, ledger) }
        }
    }

    static func streamRequest(port: Int) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"model":"default","stream":true,"messages":[{"role":"user","content":"go"}]}"#))
        return request
    }

    @Test func tokensReachTheClientWhileTheUpstreamIsStillStreaming() async throws {
        let upstream = SlowUpstream()
        try await withGateway(upstream) { port, _ in
            // Given a client reading a stream whose upstream sends a token every 20 ms
            let response = try await TestHTTPClient.shared.execute(Self.streamRequest(port: port), timeout: .seconds(30))
            // When the first content chunk reaches it
            var received = ""
            for try await part in response.body {
                received += String(buffer: part)
                if received.contains(#""content":"tok "#) { break }
            }
            // Then it came long before the upstream's end: content is forwarded as it arrives, never held for [DONE]
            #expect(received.contains(#""content":"tok "#))
            #expect(upstream.tokensSent.withLock { $0 } < 500)
        }
    }

    @Test func clientLeavingCancelsTheUpstreamCall() async throws {
        let upstream = SlowUpstream()
        try await withGateway(upstream) { port, ledger in
            // Given a client reading a stream
            let reader = Task {
                let response = try await TestHTTPClient.shared.execute(Self.streamRequest(port: port), timeout: .seconds(30))
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

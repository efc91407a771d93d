import ConciergeCore
import ConciergeHTTP
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

/// The request rate charged by the gateway in one transaction with its token rate and budget answers exactly as the
/// access middleware charging it first: same headers, same refusals, same precedence over a malformed body.
@Suite struct GatewayAdmissionTests {
    @Test(arguments: [true, false]) func requestRateAnswersTheSameWhenTheGatewayChargesIt(_ deferred: Bool) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let router = try BudgetTests.router(ledger: store)
            let limits = KeyLimits(requestsPerMinute: 2, tokensPerMinute: 100_000, budgetPerDay: MicroUSD(1_000_000))
            let key = try await KeyIssuer(keys: store).create(name: "r", role: .user, limits: limits, expiresAt: nil)
            let access = AccessControl(keys: store, rateLimits: store, deferredRateLimitPaths: deferred ? ["/v1/chat/completions"] : [])
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: access)
            let gateway = ModelsGatewayController(
                chat: router, embeddings: NoEmbeddings(), catalog: router, budget: BudgetGuard(store: store, estimator: router),
                tokens: TokenRateLimiter(store: store), admission: store
            )
            let app = Application(router: buildRouter(dependencies) { gateway.register(on: $0) })
            let headers: HTTPFields = [.authorization: "Bearer \(key.secret)", .contentType: "application/json"]
            let body = ByteBuffer(string: #"{"model":"default","messages":[{"role":"user","content":"Hi"}],"max_tokens":100}"#)
            let malformed = ByteBuffer(string: #"{"model":"default","messages":"#)
            let remaining = HTTPField.Name("RateLimit-Remaining")!
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("RateLimit-Limit")!] == "2" && response.headers[remaining] == "1")
                }
                // A malformed body still spends a request and carries the headers
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: malformed) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.headers[remaining] == "0")
                }
                // Then both a good and a malformed call are refused by the request rate, in the API's error shape
                for refused in [body, malformed] {
                    try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: refused) { response in
                        #expect(response.status == .tooManyRequests)
                        #expect((BudgetRoutesTests.json(response)["error"] as? [String: Any])?["code"] as? String == "rate_limited")
                        #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                    }
                }
            }
            // And only the admitted call reserved budget and reached the model: one ledger row
            #expect(try await store.totals(since: nil).rows == 1)
            try await store.close()
        }
    }
}

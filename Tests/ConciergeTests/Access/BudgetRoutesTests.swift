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

/// Budgets through HTTP: the gateway refuses with `budget_exceeded`, `/v1/usage` reports spend.
@Suite struct BudgetRoutesTests {
    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func gatewayAnswersBudgetExceededAndUsageShowsWhatRemains() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let router = try BudgetTests.router(ledger: store)
            // A budget of 0.005 USD a day: two worst cases of 2,018 micro-USD fit, a third does not
            let rich = try await KeyIssuer(keys: store).create(name: "b", role: .user, limits: KeyLimits(budgetPerDay: MicroUSD(5000)), expiresAt: nil)
            let other = try await KeyIssuer(keys: store).create(name: "o", role: .user, limits: KeyLimits(), expiresAt: nil)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store))
            let gateway = ModelsGatewayController(chat: router, embeddings: NoEmbeddings(), catalog: router, budget: BudgetGuard(store: store, estimator: router))
            let app = Application(router: buildRouter(dependencies) { routes in
                gateway.register(on: routes)
                UsageController(budgets: store, keys: store).register(on: routes)
            })
            let headers: HTTPFields = [.authorization: "Bearer \(rich.secret)", .contentType: "application/json"]
            let body = ByteBuffer(string: #"{"model":"default","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#)
            try await app.test(.router) { client in
                for _ in 0..<2 {
                    try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) { #expect($0.status == .ok) }
                }
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .tooManyRequests)
                    let error = Self.json(response)["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "budget_exceeded")
                    #expect((error?["message"] as? String)?.contains("resets at") == true)
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                }
                try await client.execute(uri: "/v1/usage", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    let day = Self.json(response)["day"] as? [String: Any]
                    #expect(day?["spent_usd"] as? String == "0.004020")
                    #expect(day?["budget_usd"] as? String == "0.005000")
                    #expect(day?["remaining_usd"] as? String == "0.000980")
                }
                // A user cannot read another key's usage
                try await client.execute(uri: "/v1/usage?key_id=\(other.record.id)", method: .get, headers: headers) { #expect($0.status == .forbidden) }
            }
            try await store.close()
        }
    }
}

extension BudgetRoutesTests {
    @Test func tokensPerMinuteAreCountedAtAdmission() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let router = try BudgetTests.router(ledger: store)
            let key = try await KeyIssuer(keys: store).create(name: "t", role: .user, limits: KeyLimits(tokensPerMinute: 1500), expiresAt: nil)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store))
            let gateway = ModelsGatewayController(chat: router, embeddings: NoEmbeddings(), catalog: router, tokens: TokenRateLimiter(store: store))
            let app = Application(router: buildRouter(dependencies) { gateway.register(on: $0) })
            let headers: HTTPFields = [.authorization: "Bearer \(key.secret)", .contentType: "application/json"]
            let body = ByteBuffer(string: #"{"model":"default","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}"#)
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) { #expect($0.status == .ok) }
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect((Self.json(response)["error"] as? [String: Any])?["code"] as? String == "rate_limit_exceeded")
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                }
                let huge = ByteBuffer(string: #"{"model":"default","messages":[{"role":"user","content":"Hi"}],"max_tokens":5000}"#)
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: huge) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(String(buffer: response.body).contains("lower max_tokens"))
                }
            }
            try await store.close()
        }
    }
}

/// The gateway needs an embedding model; these tests never call it.
struct NoEmbeddings: EmbeddingModel {
    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse { throw LLMError(.request, "unused") }
}

extension BudgetRoutesTests {
    @Test func embeddingsAreAdmittedAgainstTheBudgetToo() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let router = try BudgetTests.router(ledger: store)
            // One micro-USD a day cannot cover even the shortest input at the deployment's input price.
            let poor = try await KeyIssuer(keys: store).create(name: "p", role: .user, limits: KeyLimits(budgetPerDay: MicroUSD(1)), expiresAt: nil)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store))
            let gateway = ModelsGatewayController(chat: router, embeddings: NoEmbeddings(), catalog: router, budget: BudgetGuard(store: store, estimator: router))
            let app = Application(router: buildRouter(dependencies) { routes in gateway.register(on: routes) })
            let headers: HTTPFields = [.authorization: "Bearer \(poor.secret)", .contentType: "application/json"]
            try await app.test(.router) { client in
                let body = ByteBuffer(string: #"{"model":"default","input":["Hi","there"]}"#)
                try await client.execute(uri: "/v1/embeddings", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect((Self.json(response)["error"] as? [String: Any])?["code"] as? String == "budget_exceeded")
                }
            }
            try await store.close()
        }
    }
}

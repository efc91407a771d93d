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

/// CORS from an allowlist, deeply nested JSON, hostile strings stored verbatim, path traversal.
@Suite struct HardeningTests {
    static func app(cors: [String]) -> some ApplicationProtocol {
        let dependencies = HTTPDependencies(maxBodyBytes: 1 << 20, healthChecks: [], registry: PrometheusCollectorRegistry(), corsOrigins: cors)
        return Application(router: buildRouter(dependencies, extraRoutes: addTestRoutes))
    }

    @Test func preflightFromAnAllowedOriginIsAnsweredWithoutCredentials() async throws {
        try await Self.app(cors: ["https://app.example.com"]).test(.router) { client in
            let preflight: HTTPFields = [.origin: "https://app.example.com", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization"]
            try await client.execute(uri: "/v1/models", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
                #expect(response.headers[.vary] == "Origin")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
            let foreign: HTTPFields = [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/v1/models", method: .options, headers: foreign) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://app.example.com"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
                #expect(response.headers[.accessControlExposeHeaders]?.contains("RateLimit-Remaining") == true)
            }
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func wildcardIsNeverSentWithCredentials() async throws {
        try await Self.app(cors: ["*"]).test(.router) { client in
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://any.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
        }
    }

    @Test func deeplyNestedJSONIsRefusedWith400AtAFixedDepth() async throws {
        try await Self.app(cors: []).test(.router) { client in
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            try await client.execute(uri: "/test/echo", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"name":"# + deep + "}")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("json_too_deep"))
            }
            let justDeepEnough = String(repeating: "[", count: JSONBodyDecoder.maxDepth - 1) + String(repeating: "]", count: JSONBodyDecoder.maxDepth - 1)
            try await client.execute(uri: "/test/echo", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"name":"x","count":1,"extra":\#(justDeepEnough)}"#)) { response in
                #expect(response.status == .ok)
            }
            // Brackets inside strings do not count
            let quoted = String(repeating: "[", count: 500)
            try await client.execute(uri: "/test/echo", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"name":"\#(quoted)","count":1}"#)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func pathTraversalAndOddPathsNeverReachAnythingButNotFoundOr401() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let keys = try await AccessTestKeys.issue(in: store)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store))
            let app = Application(router: buildRouter(dependencies) { KeysAdminController(keys: store).register(on: $0) })
            try await app.test(.router) { client in
                for path in ["/admin/keys/../../etc/passwd", "/admin/keys/%2e%2e%2f%2e%2e%2fetc%2fpasswd/rotate", "/v1/../admin/keys", "/admin/keys/..%00/revoke"] {
                    try await client.execute(uri: path, method: .post) { #expect($0.status == .unauthorized, "\(path)") }
                    try await client.execute(uri: path, method: .post, headers: keys.headers(.admin)) { response in
                        #expect([400, 404, 405].contains(response.status.code), "\(path): \(response.status)")
                        #expect(!String(buffer: response.body).contains("root:"))
                    }
                }
            }
            try await store.close()
        }
    }
}

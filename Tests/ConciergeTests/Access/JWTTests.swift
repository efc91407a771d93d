import ConciergeCore
import ConciergeHTTP
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Prometheus
import Testing

/// End-user tokens from the operator's identity provider.
@Suite struct JWTTests {
    static let secret = "an-hmac-key-of-at-least-32-bytes-for-tests"

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iss: IssuerClaim
        var aud: AudienceClaim
        var role: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func token(sub: String = "alice", role: String? = "admin", iss: String = "https://idp.example", aud: String = "concierge",
                      expires: TimeInterval = 600, key: String = secret) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        let claims = Claims(sub: .init(value: sub), exp: .init(value: Date().addingTimeInterval(expires)), iss: .init(value: iss), aud: .init(value: [aud]), role: role)
        return try await keys.sign(claims)
    }

    @Test func validTokensAuthenticateWithTheirRoleAndInvalidOnesGet401() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let jwt = try #require(await JWTAuthenticator.make(.init(hmacKey: Self.secret, issuer: "https://idp.example", audience: "concierge")))
            #expect(await JWTAuthenticator.make(.init(hmacKey: "short", issuer: "i", audience: "a")) == nil)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store, jwt: jwt))
            let app = Application(router: buildRouter(dependencies) { router in
                KeysAdminController(keys: store).register(on: router)
                UsageController(budgets: store, keys: store).register(on: router)
            })
            let cases: [(String, HTTPResponse.Status)] = [
                (try await Self.token(), .ok),
                (try await Self.token(role: "user"), .forbidden),
                (try await Self.token(role: nil), .forbidden),
                (try await Self.token(role: "root"), .unauthorized),
                (try await Self.token(expires: -60), .unauthorized),
                (try await Self.token(iss: "https://evil.example"), .unauthorized),
                (try await Self.token(aud: "someone-else"), .unauthorized),
                (try await Self.token(key: "another-hmac-key-of-at-least-32-bytes!!"), .unauthorized),
            ]
            let user = try await Self.token(sub: "bob", role: "user")
            try await app.test(.router) { client in
                for (index, (token, status)) in cases.enumerated() {
                    try await client.execute(uri: "/admin/keys", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                        #expect($0.status == status, "case \(index)")
                    }
                }
                try await client.execute(uri: "/v1/usage", method: .get, headers: [.authorization: "Bearer \(user)"]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#""key_id":"jwt:bob""#))
                }
            }
            try await store.close()
        }
    }
}

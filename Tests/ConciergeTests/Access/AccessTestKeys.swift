import ConciergeCore
import ConciergeHTTP
import Foundation
import HTTPTypes

/// One key per role, issued in a test's store.
struct AccessTestKeys: Sendable {
    var secrets: [Role: String]
    var ids: [Role: String]

    static func issue(in store: any APIKeyStore, limits: KeyLimits = KeyLimits()) async throws -> AccessTestKeys {
        var keys = AccessTestKeys(secrets: [:], ids: [:])
        let issuer = KeyIssuer(keys: store)
        for role in Role.allCases {
            let issued = try await issuer.create(name: "test-\(role.rawValue)", role: role, limits: limits, expiresAt: nil)
            keys.secrets[role] = issued.secret
            keys.ids[role] = issued.record.id
        }
        return keys
    }

    /// `Authorization: Bearer <key of role>` plus a JSON content type.
    func headers(_ role: Role) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(secrets[role]!)"
        headers[.contentType] = "application/json"
        return headers
    }
}

public import ConciergeCore
import Foundation
import JWTKit

/// End users signed in by the operator's own identity provider: an HS256 token whose issuer and audience match the
/// configuration. `sub` becomes the caller id (`jwt:<sub>`), `roleClaim` the role (user when absent).
public struct JWTAuthenticator: Sendable {
    public struct Settings: Sendable {
        /// The shared HMAC key, at least 32 bytes.
        public var hmacKey: String
        public var issuer: String
        public var audience: String
        public var roleClaim: String
        /// Budgets every token user gets (per `sub`).
        public var limits: KeyLimits

        public init(hmacKey: String, issuer: String, audience: String, roleClaim: String = "role", limits: KeyLimits = KeyLimits()) {
            self.hmacKey = hmacKey
            self.issuer = issuer
            self.audience = audience
            self.roleClaim = roleClaim
            self.limits = limits
        }
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iss: IssuerClaim
        var aud: AudienceClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    let keys: JWTKeyCollection
    let settings: Settings

    /// Refuses keys shorter than 32 bytes (jwt-kit asserts on them in debug builds).
    public static func make(_ settings: Settings) async -> JWTAuthenticator? {
        guard settings.hmacKey.utf8.count >= 32 else { return nil }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: settings.hmacKey), digestAlgorithm: .sha256)
        return JWTAuthenticator(keys: keys, settings: settings)
    }

    /// Whether `credential` has the shape of a JWT (three base64url parts, a JSON header).
    static func looksLikeJWT(_ credential: String) -> Bool {
        credential.hasPrefix("eyJ") && credential.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// The caller behind a valid token, or nil for any invalid one (signature, expiry, issuer, audience, role).
    func principal(for token: String) async -> Principal? {
        guard let claims = try? await keys.verify(token, as: Claims.self), claims.iss.value == settings.issuer,
            (try? claims.aud.verifyIntendedAudience(includes: settings.audience)) != nil, !claims.sub.value.isEmpty
        else { return nil }
        // The signature is valid, so the payload may be read directly for the configurable role claim.
        let payload = token.split(separator: ".")[1]
        var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let object = Data(base64Encoded: base64).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        var role = Role.user
        if let raw = object?[settings.roleClaim] {
            guard let text = raw as? String, let parsed = Role(rawValue: text) else { return nil }
            role = parsed
        }
        return Principal(id: "jwt:\(claims.sub.value)", name: claims.sub.value, role: role, limits: settings.limits)
    }
}

import ConciergeCore
import HTTPTypes

/// The answers of the access layer. Every authentication failure has the same body, so a caller cannot tell an
/// unknown key from a revoked or an expired one.
extension APIError {
    static let unauthenticated = APIError(
        .unauthorized, code: "unauthorized", message: "A valid API key is required.", headers: [.wwwAuthenticate: "Bearer"]
    )

    static let ambiguousCredentials = APIError(
        .badRequest, code: "invalid_credentials", message: "Send exactly one credential: one Authorization or one X-API-Key header."
    )

    static func forbidden(_ minimum: Role) -> APIError {
        APIError(.forbidden, code: "forbidden", message: "This route needs the \(minimum.rawValue) role or higher.")
    }

    static func rateLimited(_ decision: RateLimitDecision) -> APIError {
        var headers = HTTPFields()
        decision.apply(to: &headers)
        headers[.retryAfter] = String(Int(decision.retryAfterSeconds.rounded(.up)).clamped(min: 1))
        return APIError(.tooManyRequests, code: "rate_limited", message: "Rate limit of \(decision.limit) per minute exceeded.", headers: headers)
    }
}

extension RateLimitDecision {
    /// The IETF `RateLimit-*` fields (draft-ietf-httpapi-ratelimit-headers).
    func apply(to headers: inout HTTPFields) {
        headers[HTTPField.Name("RateLimit-Limit")!] = String(limit)
        headers[HTTPField.Name("RateLimit-Remaining")!] = String(remaining)
        headers[HTTPField.Name("RateLimit-Reset")!] = String(Int(resetSeconds.rounded(.up)))
    }
}

extension Int {
    fileprivate func clamped(min lower: Int) -> Int { Swift.max(self, lower) }
}

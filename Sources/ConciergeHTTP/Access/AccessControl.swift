public import ConciergeCore
public import Foundation

/// How the HTTP layer authenticates, authorises and rate-limits, built by the composition root.
public struct AccessControl: Sendable {
    /// nil: authentication is off (loopback only); every caller is ``Principal/local``.
    public var keys: (any APIKeyStore)?
    public var policy: AccessPolicy
    /// nil: no rate limits.
    public var rateLimits: (any RateLimitStore)?
    /// Requests per minute for keys without their own limit, and per client IP where no key applies.
    public var defaultRequestsPerMinute: Int
    /// `/metrics` answers without a token (the server binds to loopback).
    public var metricsOpen: Bool
    /// The bearer token `/metrics` needs when it is not open; nil: closed.
    public var metricsToken: String?
    /// Where admin actions and authentication failures are recorded; nil: nowhere.
    public var audit: (any AuditLog)?
    /// Tokens from the operator's identity provider, besides API keys; nil: API keys only.
    public var jwt: JWTAuthenticator?
    /// POST routes that charge the request rate themselves (from ``AppRequestContext/deferredRateLimit``) in one store
    /// transaction with their own admission checks, instead of this middleware charging it first. Only for routes
    /// whose handler does so (the gateway's chat completions with an ``AdmissionStore`` on the same rate-limit store).
    public var deferredRateLimitPaths: Set<String>
    public var now: @Sendable () -> Date

    public init(
        keys: (any APIKeyStore)?, policy: AccessPolicy = .standard, rateLimits: (any RateLimitStore)? = nil,
        defaultRequestsPerMinute: Int = 100, metricsOpen: Bool = true, metricsToken: String? = nil, audit: (any AuditLog)? = nil,
        jwt: JWTAuthenticator? = nil, deferredRateLimitPaths: Set<String> = [],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keys = keys
        self.policy = policy
        self.rateLimits = rateLimits
        self.defaultRequestsPerMinute = defaultRequestsPerMinute
        self.metricsOpen = metricsOpen
        self.metricsToken = metricsToken
        self.audit = audit
        self.jwt = jwt
        self.deferredRateLimitPaths = deferredRateLimitPaths
        self.now = now
    }

    /// Authentication off, no limits: what route tests of other subsystems use.
    public static let off = AccessControl(keys: nil)

    /// Whether `host` is a loopback address, where authentication may be turned off and `/metrics` is open.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// A failed model call, classified so the router knows whether to retry, fall back or give up.
public struct LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Value: String, Sendable, Hashable {
            case request, authentication, rateLimited, server, timeout, connection, malformedResponse, streamInterrupted
            case cancelled, unavailable, unknownModel
        }

        fileprivate let value: Value
        public var description: String { value.rawValue }

        /// The caller's request is wrong (400, 404, 413, 422, invalid schema): returned to the caller, never retried.
        public static let request = Self(value: .request)
        /// The provider refused our key (401, 403): fall back, do not retry.
        public static let authentication = Self(value: .authentication)
        /// 429: retry after the provider's `Retry-After`, then fall back.
        public static let rateLimited = Self(value: .rateLimited)
        /// 5xx and other provider-side failures: retry, then fall back.
        public static let server = Self(value: .server)
        /// The attempt took longer than its timeout.
        public static let timeout = Self(value: .timeout)
        /// The provider could not be reached or dropped the connection before answering.
        public static let connection = Self(value: .connection)
        /// The provider answered with something that is not the documented shape.
        public static let malformedResponse = Self(value: .malformedResponse)
        /// A stream broke after it started (cut off, or an error event mid-way).
        public static let streamInterrupted = Self(value: .streamInterrupted)
        /// The caller went away.
        public static let cancelled = Self(value: .cancelled)
        /// No deployment could take the call (every circuit open, or every fallback failed).
        public static let unavailable = Self(value: .unavailable)
        /// The alias or deployment asked for does not exist.
        public static let unknownModel = Self(value: .unknownModel)
    }

    public var kind: Kind
    /// Operator-safe summary (never a prompt or a key).
    public var message: String
    /// The provider's HTTP status, if any.
    public var status: Int?
    /// How long the provider asked us to wait (`Retry-After`).
    public var retryAfter: Duration?
    /// The provider's own error type, parameter and code, passed to the caller for request errors.
    public var providerType: String?
    public var param: String?
    public var code: String?
    /// The deployment that failed, set by the router.
    public var deployment: String?
    /// Tokens the provider reported before failing (streams cut off after a usage event, cancellations).
    public var usage: TokenUsage?
    /// What the failed call cost in the ledger over all its attempts; set by the router.
    public var charge: CallCharge?

    public init(
        _ kind: Kind, _ message: String, status: Int? = nil, retryAfter: Duration? = nil, providerType: String? = nil,
        param: String? = nil, code: String? = nil, deployment: String? = nil, usage: TokenUsage? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
        self.providerType = providerType
        self.param = param
        self.code = code
        self.deployment = deployment
        self.usage = usage
    }

    /// Worth trying the same deployment again after a pause.
    public var isRetryable: Bool {
        switch kind.value {
        case .rateLimited, .server, .timeout, .connection, .malformedResponse: true
        default: false
        }
    }

    /// The provider (not the request) is at fault, so another deployment may succeed.
    public var isProviderSide: Bool {
        switch kind.value {
        case .request, .cancelled, .unknownModel: false
        default: true
        }
    }

    /// Classifies an HTTP error status from a provider.
    public static func fromStatus(_ status: Int, message: String, retryAfter: Duration? = nil) -> LLMError {
        let kind: Kind =
            switch status {
            case 401, 403: .authentication
            case 408: .timeout
            case 429: .rateLimited
            case 400..<500, 501: .request
            default: .server
            }
        return LLMError(kind, message, status: status, retryAfter: retryAfter)
    }

    public var description: String {
        var text = "\(kind): \(message)"
        if let status { text += " (HTTP \(status))" }
        if let deployment { text += " [\(deployment)]" }
        return text
    }
}

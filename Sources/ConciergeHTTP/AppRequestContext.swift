public import ConciergeCore
public import Hummingbird
import NIOCore

/// The request context every Concierge route sees.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's id: the client's `X-Request-ID` when it is sane, otherwise generated.
    public var requestID: String
    /// The body limit, set by ``ObservabilityMiddleware`` from the configuration.
    public var maxUploadSize: Int
    /// The authenticated caller, set by ``AccessMiddleware`` on `/v1` and `/admin` routes.
    public var principal: Principal?
    /// The peer's address, written out as ``clientIP`` only when a refusal, an audit event or an anonymous rate
    /// limit needs it (not on every request).
    let remoteAddress: SocketAddress?
    /// The peer's IP address (no proxy headers are trusted).
    public var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
    /// The request-rate charge ``AccessMiddleware`` left to the route (``AccessControl/deferredRateLimitPaths``),
    /// which makes it in one store transaction with its own checks.
    public var deferredRateLimit: RateCharge?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.maxUploadSize = 1 << 20
        self.principal = nil
        self.remoteAddress = source.channel.remoteAddress
        self.deferredRateLimit = nil
    }
}

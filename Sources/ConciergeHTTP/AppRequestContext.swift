public import Hummingbird

/// The request context every Concierge route sees.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's id: the client's `X-Request-ID` when it is sane, otherwise generated.
    public var requestID: String
    /// The body limit, set by ``ObservabilityMiddleware`` from the configuration.
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.maxUploadSize = 1 << 20
    }
}

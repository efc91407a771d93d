public import Hummingbird

/// CORS from an allowlist of origins. An allowed origin is echoed (with `Vary: Origin`), never `*` together with
/// credentials: Concierge authenticates with headers, not cookies, so `Access-Control-Allow-Credentials` is never sent.
/// `*` in the list allows every origin, answered as `*`. Preflights are answered here, before authentication
/// (browsers send them without credentials): 204 for an allowed origin, 403 otherwise.
public struct CORSAllowlistMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let origins: Set<String>
    let anyOrigin: Bool

    static let allowedMethods = "GET, POST, DELETE, OPTIONS"
    static let allowedHeaders = "Authorization, X-API-Key, Content-Type, X-Request-ID, Cache-Control, X-Concierge-Cache"
    static let exposedHeaders = "X-Request-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"

    public init(origins: [String]) {
        self.anyOrigin = origins.contains("*")
        self.origins = Set(origins.filter { $0 != "*" }.map { $0.lowercased() })
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = anyOrigin || origins.contains(origin.lowercased())
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        if isPreflight {
            guard allowed else { throw APIError(.forbidden, code: "cors_origin_denied", message: "This origin may not call the API.") }
            var response = Response(status: .noContent)
            apply(origin, to: &response.headers)
            response.headers[.accessControlAllowMethods] = Self.allowedMethods
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        if allowed {
            apply(origin, to: &response.headers)
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return response
    }

    private func apply(_ origin: String, to headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = anyOrigin ? "*" : origin
        if !anyOrigin { headers[.vary] = "Origin" }
    }
}

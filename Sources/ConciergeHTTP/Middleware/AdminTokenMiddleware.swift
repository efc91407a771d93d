public import Hummingbird

/// Guards the admin routes until access control lands: they answer only when `CONCIERGE_ADMIN_TOKEN` is set and
/// the request carries `Authorization: Bearer <token>`. Otherwise (no token configured, header missing, or wrong)
/// the answer is the router's own 404, so the routes cannot be told apart from routes that do not exist.
public struct AdminTokenMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let token: [UInt8]?

    public init(token: String?) {
        self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        else {
            throw APIError.notFound("No route for \(request.method.rawValue) \(ErrorMiddleware.safePath(request.uri.path)).")
        }
        return try await next(request, context)
    }

    /// Compares without an early exit, so the time taken does not reveal how much of the token matched.
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: presented.count ^ expected.count)
        for index in 0..<expected.count {
            difference |= expected[index] ^ (index < presented.count ? presented[index] : 0)
        }
        return difference == 0
    }
}

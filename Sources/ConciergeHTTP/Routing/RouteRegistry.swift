public import Hummingbird
import Synchronization

/// The routes a router serves, captured once the router is built; used to answer 405 with `Allow`
/// and to check the OpenAPI document against the code.
public final class RouteRegistry: Sendable {
    public struct Route: Sendable, Hashable {
        public let method: HTTPRequest.Method
        /// The template, in OpenAPI form: `/v1/tasks/{id}`.
        public let path: String
    }

    private struct Entry: Sendable {
        let route: Route
        let components: [RouterPath.Element]
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Records the routes of a finished router.
    public func capture<Context>(_ router: Router<Context>) {
        let captured = router.routes.map {
            Entry(route: Route(method: $0.method, path: $0.path.description), components: $0.path.components)
        }
        entries.withLock { $0 = captured }
    }

    public var routes: [Route] { entries.withLock { $0.map(\.route) } }

    /// The methods served at a concrete request path, for the `Allow` header of a 405.
    public func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return entries.withLock { entries in
            entries.filter { Self.matches($0.components, segments) }.map(\.route.method)
        }
    }

    private static func matches(_ components: [RouterPath.Element], _ segments: [Substring]) -> Bool {
        if components.last == .recursiveWildcard { return segments.count >= components.count - 1 }
        guard components.count == segments.count else { return false }
        return zip(components, segments).allSatisfy { $0 ~= $1 }
    }
}

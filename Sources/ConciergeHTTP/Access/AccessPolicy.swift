public import ConciergeCore
public import HTTPTypes

/// The declarative route → role table. The first matching rule decides; a protected path that no rule matches
/// needs `admin` (deny by default). New routes slot in by adding rows (see docs/security.md).
public struct AccessPolicy: Sendable {
    public struct Rule: Sendable {
        /// nil: any method.
        public var method: HTTPRequest.Method?
        /// A path template: `{name}` matches one segment, a trailing `**` any rest (including nothing).
        public var path: String {
            didSet { parts = Self.parts(of: path) }
        }
        public var minimum: Role
        /// The template's segments, split once rather than on every request.
        private(set) var parts: [Substring]

        public init(_ method: HTTPRequest.Method?, _ path: String, _ minimum: Role) {
            self.method = method
            self.path = path
            self.minimum = minimum
            self.parts = Self.parts(of: path)
        }

        static func parts(of template: String) -> [Substring] {
            template.split(separator: "/", omittingEmptySubsequences: true)
        }
    }

    /// Path prefixes that require authentication.
    public var protectedPrefixes: [String]
    public var rules: [Rule]

    public init(protectedPrefixes: [String] = ["/v1", "/admin"], rules: [Rule]) {
        self.protectedPrefixes = protectedPrefixes
        self.rules = rules
    }

    /// Concierge's table. Per-resource ownership (a user's own tasks) is checked by the controllers on top of it.
    public static let standard = AccessPolicy(rules: [
        Rule(.get, "/v1/models", .user),
        Rule(.post, "/v1/chat/completions", .user),
        Rule(.post, "/v1/embeddings", .user),
        Rule(.get, "/v1/usage", .user),
        Rule(nil, "/v1/tasks/**", .user),
        Rule(nil, "/admin/keys/**", .admin),
        Rule(nil, "/admin/audit", .admin),
        Rule(.get, "/admin/**", .analyst),
        Rule(nil, "/admin/**", .admin),
        Rule(nil, "/v1/**", .admin),
    ])

    public func isProtected(_ path: String) -> Bool {
        protectedPrefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// The least role allowed to call `method path`.
    public func minimumRole(_ method: HTTPRequest.Method, _ path: String) -> Role {
        for rule in rules where rule.method == nil || rule.method == method || (rule.method == .get && method == .head) {
            if Self.matches(rule.parts, path[...]) { return rule.minimum }
        }
        return .admin
    }

    /// Whether `path`'s non-empty segments match the template's `parts`, read in place (no array of segments per
    /// request).
    static func matches(_ parts: [Substring], _ path: Substring) -> Bool {
        var rest = path
        for (index, part) in parts.enumerated() {
            if part == "**" && index == parts.count - 1 { return true }
            guard let segment = nextSegment(&rest), segmentMatches(part, segment) else { return false }
        }
        return nextSegment(&rest) == nil
    }

    /// The next non-empty segment of `rest`, which moves past it; nil at the end.
    private static func nextSegment(_ rest: inout Substring) -> Substring? {
        let slash = UInt8(ascii: "/")
        guard let start = rest.utf8.firstIndex(where: { $0 != slash }) else {
            rest = rest[rest.endIndex...]
            return nil
        }
        let end = rest.utf8[start...].firstIndex(of: slash) ?? rest.endIndex
        defer { rest = rest[end...] }
        return rest[start..<end]
    }

    private static func segmentMatches(_ part: Substring, _ segment: Substring) -> Bool {
        (part.hasPrefix("{") && part.hasSuffix("}")) || part == segment
    }
}

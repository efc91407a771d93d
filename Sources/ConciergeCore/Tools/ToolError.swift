/// An outcome of a tool call that the planner sees. `retryable` may succeed if called again (timeouts, rate
/// limits, 5xx); `final` will not (bad arguments, not found).
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case retryable
        case final
    }

    public var kind: Kind
    public var message: String
    /// When a rate limit resets, if the API said.
    public var retryAfter: Duration?

    public init(kind: Kind, message: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public static func retry(_ message: String, after: Duration? = nil) -> Self { .init(kind: .retryable, message: message, retryAfter: after) }
    public static func failed(_ message: String) -> Self { .init(kind: .final, message: message) }

    public var isRetryable: Bool { kind == .retryable }
    public var description: String { message }
}

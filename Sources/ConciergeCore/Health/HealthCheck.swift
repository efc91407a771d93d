/// One dependency's contribution to the readiness document at `GET /health/ready`.
///
/// Each subsystem (the database now; model providers and job workers later) registers one check.
/// A check must return within its own bound: it reports a failure rather than hanging.
public protocol HealthCheck: Sendable {
    /// The key under `checks` in the readiness document.
    var name: String { get }
    func check() async -> HealthCheckResult
}

/// The outcome of one health check.
public struct HealthCheckResult: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case ok
        case failing
    }

    public var status: Status
    /// How long the probe took, in milliseconds.
    public var latencyMilliseconds: Double?
    /// Why the check fails; safe to show to operators (no secrets, no connection strings).
    public var reason: String?
    /// Further check-specific facts (for example a breaker state), as plain strings.
    public var details: [String: String]

    public init(status: Status, latencyMilliseconds: Double? = nil, reason: String? = nil, details: [String: String] = [:]) {
        self.status = status
        self.latencyMilliseconds = latencyMilliseconds
        self.reason = reason
        self.details = details
    }

    public static func ok(latencyMilliseconds: Double? = nil, details: [String: String] = [:]) -> Self {
        .init(status: .ok, latencyMilliseconds: latencyMilliseconds, details: details)
    }

    public static func failing(_ reason: String, latencyMilliseconds: Double? = nil) -> Self {
        .init(status: .failing, latencyMilliseconds: latencyMilliseconds, reason: reason)
    }
}

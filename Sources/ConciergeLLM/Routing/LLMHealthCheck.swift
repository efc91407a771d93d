public import ConciergeCore

/// The router's circuit breakers in the readiness document: `details` lists every deployment's breaker
/// (`closed`, `open`, `half_open`). The check fails only when some alias has no deployment left to try, so one
/// provider's outage shows without taking a replica out of rotation while a fallback still answers.
public struct LLMHealthCheck: HealthCheck {
    public let name = "llm"
    let router: ModelRouter

    public init(router: ModelRouter) {
        self.router = router
    }

    public func check() async -> HealthCheckResult {
        let states = router.circuitStates
        var details: [String: String] = [:]
        for (deployment, state) in states { details["circuit.\(deployment)"] = state.rawValue }
        let stranded = router.aliases.keys.sorted().filter { alias in
            (router.aliases[alias] ?? []).allSatisfy { states[$0] == .open }
        }
        guard stranded.isEmpty else {
            var result = HealthCheckResult.failing("every deployment of alias \(stranded.joined(separator: ", ")) has an open circuit")
            result.details = details
            return result
        }
        return .ok(details: details)
    }
}

public import ConciergeCore
import Foundation
public import Hummingbird

/// `GET /health` (liveness: never touches a dependency) and `GET /health/ready` (every registered check).
public struct HealthController: Sendable {
    let checks: [any HealthCheck]
    let readiness: ReadinessState
    let version: String
    let startedAt: ContinuousClock.Instant

    public init(checks: [any HealthCheck], readiness: ReadinessState, version: String, startedAt: ContinuousClock.Instant) {
        self.checks = checks
        self.readiness = readiness
        self.version = version
        self.startedAt = startedAt
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in Self.liveness }
        router.get("/health/ready") { _, _ in await self.ready() }
    }

    static let liveness: Response = {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
    }()

    struct ReadinessDocument: Encodable {
        struct Check: Encodable {
            let status: String
            let latencyMs: Double?
            let reason: String?
            let details: [String: String]?

            enum CodingKeys: String, CodingKey {
                case status, reason, details
                case latencyMs = "latency_ms"
            }
        }

        let status: String
        let version: String
        let uptimeS: Double
        let draining: Bool
        let checks: [String: Check]

        enum CodingKeys: String, CodingKey {
            case status, version, checks, draining
            case uptimeS = "uptime_s"
        }
    }

    func ready() async -> Response {
        let results = await withTaskGroup(of: (String, HealthCheckResult).self) { group in
            for check in checks {
                group.addTask { (check.name, await check.check()) }
            }
            var results: [String: HealthCheckResult] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
        let draining = readiness.isDraining
        let healthy = !draining && results.values.allSatisfy { $0.status == .ok }
        let document = ReadinessDocument(
            status: healthy ? "healthy" : "unhealthy",
            version: version,
            uptimeS: (ContinuousClock.now - startedAt).inMilliseconds.rounded() / 1000,
            draining: draining,
            checks: results.mapValues {
                .init(
                    status: $0.status.rawValue,
                    latencyMs: $0.latencyMilliseconds.map { ($0 * 1000).rounded() / 1000 },
                    reason: $0.reason,
                    details: $0.details.isEmpty ? nil : $0.details
                )
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: healthy ? .ok : .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

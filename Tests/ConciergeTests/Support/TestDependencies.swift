import ConciergeCore
import ConciergeHTTP
import Foundation
import Hummingbird
import Logging
import Prometheus

/// A health check with a fixed answer, for readiness tests.
struct FixedHealthCheck: HealthCheck {
    let name: String
    let result: HealthCheckResult

    func check() async -> HealthCheckResult { result }
}

/// Thrown by a test route to check that internal errors never reach clients.
struct SecretInternalError: Error, CustomStringConvertible {
    var description: String { "connection to db-internal.example:5432 failed with password hunter2" }
}

extension HTTPDependencies {
    static func test(
        checks: [any HealthCheck] = [FixedHealthCheck(name: "database", result: .ok(latencyMilliseconds: 0.5))],
        maxBodyBytes: Int = 1024,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) -> HTTPDependencies {
        HTTPDependencies(maxBodyBytes: maxBodyBytes, healthChecks: checks, registry: registry)
    }
}

/// Routes only tests register: a JSON echo (to exercise body handling), a parameterised path, and a failure.
func addTestRoutes(_ router: Router<AppRequestContext>) {
    struct Echo: Codable {
        let name: String
        let count: Int
    }
    router.post("/test/echo") { request, context -> Response in
        let echo = try await JSONBodyDecoder.decode(Echo.self, from: request, context: context)
        let data = try JSONEncoder().encode(echo)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
    router.get("/test/things/{id}") { _, context in context.parameters.get("id") ?? "" }
    router.get("/test/fail") { _, _ -> String in throw SecretInternalError() }
}

/// A logger writing JSON lines into memory.
func capturingLogger(_ output: LogOutput, level: Logger.Level = .info) -> Logger {
    Logger(label: "concierge") { label in JSONLogHandler(label: label, level: level, format: .json, output: output) }
}

/// Parses captured JSON log lines.
func parsedLines(_ output: LogOutput) -> [[String: Any]] {
    output.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
}

/// The repository root, for tests that read docs.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

extension ByteBuffer {
    var text: String { String(buffer: self) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(readableBytesView))) as? [String: Any] ?? [:]
    }
}

@testable import concierge
import ConciergeCore
import ConciergeTestSupport
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// In-flight requests finish during the drain, while readiness answers 503.
@Suite struct DrainTests {
    @Test func inFlightRequestFinishesWhileReadinessIs503() async throws {
        try await TemporaryDirectory.with { directory in
            var configuration = AppConfiguration()
            configuration.port = 0
            configuration.dataDirectory = directory
            configuration.shutdownDelaySeconds = 0.5
            configuration.drainTimeoutSeconds = 10
            let started = Mutex(false)
            let port = Mutex<Int?>(nil)
            var server = ConciergeServer(configuration: configuration, logger: capturingLogger(.capture()), registry: PrometheusCollectorRegistry())
            server.extraRoutes = { router in
                router.get("/test/slow") { _, _ -> String in
                    started.withLock { $0 = true }
                    try await Task.sleep(for: .seconds(1.5))
                    return "done"
                }
            }
            server.onServing = { bound in port.withLock { $0 = bound } }
            let assembly = try await server.assemble(signals: false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await assembly.group.run() }
                #expect(await eventually { port.withLock { $0 } != nil })
                let bound = try #require(port.withLock { $0 })
                group.addTask {
                    let slow = try await HTTPProbe.request(port: bound, "/test/slow")
                    #expect(slow.status == .ok)
                    #expect(slow.body == "done")
                }
                #expect(await eventually { started.withLock { $0 } })
                await assembly.group.triggerGracefulShutdown()
                let ready = try await HTTPProbe.request(port: bound, "/health/ready")
                #expect(ready.status == .serviceUnavailable)
                try await group.waitForAll()
            }
            await assembly.close(logger: .quiet)
        }
    }
}

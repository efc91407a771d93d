import ConciergeCore
import ConciergeHTTP
import Logging
import ServiceLifecycle

/// The last service in the group, so the first to hear of shutdown: it turns readiness to 503 at once and keeps
/// the server serving for `delay`, so load balancers stop routing before the listener closes and in-flight
/// requests drain.
struct DrainGate: Service {
    let readiness: ReadinessState
    let delay: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: no drain to do
        }
        readiness.startDraining()
        logger.info("Draining: readiness now answers 503", metadata: ["shutdown.delay_s": .stringConvertible(delay.inSeconds)])
        try? await Task.sleep(for: delay)
    }
}

public import ConciergeCore
import Foundation

/// The `jobs` entry of `/health/ready`: workers are running (when this process runs them) and the oldest waiting
/// job became due less than `maxOldestWaiting` ago.
public struct JobsHealthCheck: HealthCheck {
    public let name = "jobs"
    let store: any JobStore
    let worker: JobWorker?
    let maxOldestWaiting: Duration
    let timeout: Duration

    /// - Parameter worker: this process's worker, or nil on an HTTP-only replica (then only the backlog is checked).
    public init(store: any JobStore, worker: JobWorker?, maxOldestWaiting: Duration, timeout: Duration = .seconds(2)) {
        self.store = store
        self.worker = worker
        self.maxOldestWaiting = maxOldestWaiting
        self.timeout = timeout
    }

    public func check() async -> HealthCheckResult {
        let started = ContinuousClock.now
        var details: [String: String] = ["workers": worker.map { $0.isRunning ? "running" : "stopped" } ?? "disabled"]
        func elapsed() -> Double { (ContinuousClock.now - started).inMilliseconds }
        if let worker, !worker.isRunning {
            return HealthCheckResult(status: .failing, latencyMilliseconds: elapsed(), reason: "job workers are not running", details: details)
        }
        do {
            let oldest = try await withDeadline(timeout) { try await store.oldestWaitingAge() }
            details["oldest_waiting_s"] = oldest.map { String(format: "%.3f", $0) } ?? "none"
            if let oldest, oldest > maxOldestWaiting.inSeconds {
                return HealthCheckResult(
                    status: .failing, latencyMilliseconds: elapsed(),
                    reason: "oldest waiting job has waited \(Int(oldest)) s (bound \(Int(maxOldestWaiting.inSeconds)) s)", details: details
                )
            }
            return .ok(latencyMilliseconds: elapsed(), details: details)
        } catch is DeadlineExceeded {
            return .failing("job store did not answer within \(timeout.inMilliseconds) ms", latencyMilliseconds: elapsed())
        } catch {
            return .failing(StoreError.describe(error), latencyMilliseconds: elapsed())
        }
    }
}

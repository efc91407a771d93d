import Foundation

/// How a ``JobWorker`` runs.
public struct JobWorkerConfiguration: Sendable {
    /// How long a claim is good for without a heartbeat; a crashed worker's jobs run again about this long later.
    public var leaseDuration: Duration
    /// How often held leases are renewed (and cancellation requests picked up); well under `leaseDuration`.
    public var heartbeatInterval: Duration
    /// How often an idle queue looks for work when no notification came (the fallback to LISTEN/NOTIFY).
    public var pollInterval: Duration
    /// How often expired leases are reaped, making their jobs claimable again.
    public var reapInterval: Duration
    /// After shutdown begins, how long running jobs may take before they are cancelled and their leases released.
    public var drainTimeout: Duration
    /// How often the waiting/active/dead gauges are refreshed from the store.
    public var metricsInterval: Duration
    public var retry: RetryPolicy
    /// Names this worker in leases and attempts: unique per process run.
    public var workerID: String

    public init(
        leaseDuration: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(10), pollInterval: Duration = .seconds(1),
        reapInterval: Duration = .milliseconds(500), drainTimeout: Duration = .seconds(5), metricsInterval: Duration = .seconds(15),
        retry: RetryPolicy = RetryPolicy(), workerID: String = JobWorkerConfiguration.makeWorkerID()
    ) {
        self.leaseDuration = leaseDuration
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
        self.reapInterval = reapInterval
        self.drainTimeout = drainTimeout
        self.metricsInterval = metricsInterval
        self.retry = retry
        self.workerID = workerID
    }

    /// `host:pid:random`, so an operator can tell which process holds a job.
    public static func makeWorkerID() -> String {
        let info = ProcessInfo.processInfo
        return "\(info.hostName):\(info.processIdentifier):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }
}

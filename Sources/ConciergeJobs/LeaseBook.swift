import ConciergeCore
import Synchronization

/// The leases a worker holds, with the task running each job's handler, so the heartbeat can renew them, cancel
/// handlers whose job was cancelled or whose lease was lost, and shutdown can release what is left.
final class LeaseBook: Sendable {
    /// Why a handler's task was cancelled; decides what happens to its job.
    enum StopReason: Sendable {
        /// An operator cancelled the job: record it as cancelled.
        case cancelRequested
        /// The lease is gone (another worker may run the job): record nothing.
        case leaseLost
        /// Shutdown passed the drain timeout: release the lease.
        case shutdown
    }

    private struct Entry {
        var lease: JobLease
        var task: Task<String, any Error>?
        var stopReason: StopReason?
    }

    private let entries = Mutex<[JobID: Entry]>([:])

    func hold(_ lease: JobLease) {
        entries.withLock { $0[lease.jobID] = Entry(lease: lease) }
    }

    /// Attaches the handler's task; cancels it at once if a stop was requested before it started.
    func attach(_ task: Task<String, any Error>, to lease: JobLease) {
        let cancelNow = entries.withLock { entries -> Bool in
            guard entries[lease.jobID]?.lease == lease else { return true }
            entries[lease.jobID]?.task = task
            return entries[lease.jobID]?.stopReason != nil
        }
        if cancelNow { task.cancel() }
    }

    func stopReason(_ lease: JobLease) -> StopReason? {
        entries.withLock { $0[lease.jobID].flatMap { $0.lease == lease ? $0.stopReason : nil } }
    }

    /// Cancels a handler, remembering why (the first reason wins).
    func stop(_ lease: JobLease, reason: StopReason) {
        let task = entries.withLock { entries -> Task<String, any Error>? in
            guard var entry = entries[lease.jobID], entry.lease == lease else { return nil }
            if entry.stopReason == nil { entry.stopReason = reason }
            entries[lease.jobID] = entry
            return entry.task
        }
        task?.cancel()
    }

    /// Cancels every handler (shutdown past the drain timeout).
    func stopAll(reason: StopReason) {
        for lease in leases { stop(lease, reason: reason) }
    }

    func drop(_ lease: JobLease) {
        entries.withLock { entries in
            if entries[lease.jobID]?.lease == lease { entries[lease.jobID] = nil }
        }
    }

    /// Removes and returns every lease still held.
    func takeAll() -> [JobLease] {
        entries.withLock { entries in
            defer { entries.removeAll() }
            return entries.values.map(\.lease)
        }
    }

    var leases: [JobLease] { entries.withLock { $0.values.map(\.lease) } }
    var count: Int { entries.withLock { $0.count } }
}

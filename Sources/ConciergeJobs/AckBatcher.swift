import ConciergeCore
import Logging
import Synchronization

/// Group commit for acknowledgements: finished jobs wait here while one `finish` call is in flight, and the next
/// call takes all of them at once. At low load each ack goes alone with no added delay; under load one
/// transaction carries many. A job's slot and lease are held until its ack is committed, so a crash loses at most
/// acks whose jobs then run again after the lease, as without batching.
final class AckBatcher: Sendable {
    private struct Pending {
        var completion: JobCompletion
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var pending: [Pending] = []
        var flusher: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let state = Mutex(State())
    private let store: any JobStore
    private let logger: Logger
    private let maxBatch: Int

    init(store: any JobStore, logger: Logger, maxBatch: Int = 512) {
        self.store = store
        self.logger = logger
        self.maxBatch = maxBatch
    }

    /// Queues an acknowledgement and returns once it is committed: true when the lease was still held.
    func acknowledge(_ completion: JobCompletion) async -> Bool {
        await withCheckedContinuation { continuation in
            let flusher = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.pending.append(Pending(completion: completion, continuation: continuation))
                defer { state.flusher = nil }
                return state.flusher
            }
            flusher?.resume()
        }
    }

    /// Commits queued acknowledgements until ``close()`` and the queue is empty.
    func run() async {
        while true {
            let batch = await nextBatch()
            guard !batch.isEmpty else { return }
            let applied = await commit(batch.map(\.completion))
            for item in batch { item.continuation.resume(returning: applied.contains(item.completion.lease)) }
        }
    }

    /// Stops ``run()`` once everything queued is committed.
    func close() {
        let flusher = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.flusher = nil }
            return state.flusher
        }
        flusher?.resume()
    }

    private func nextBatch() async -> [Pending] {
        while true {
            let (batch, done) = state.withLock { state -> ([Pending], Bool) in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                return (batch, state.closed)
            }
            if !batch.isEmpty || done { return batch }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.pending.isEmpty || state.closed { return true }
                    state.flusher = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Commits a batch, retrying a failing database a few times; after that the leases run out and the jobs rerun.
    private func commit(_ completions: [JobCompletion]) async -> Set<JobLease> {
        for attempt in 1...5 {
            do {
                return Set(try await store.finish(completions))
            } catch {
                logger.warning(
                    "Could not record job outcomes",
                    metadata: ["jobs.count": .stringConvertible(completions.count), "error.message": .string(String(describing: error))]
                )
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        return []
    }
}

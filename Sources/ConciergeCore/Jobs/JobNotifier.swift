import Synchronization

/// In-process wake-ups for idle workers: "a job may be due on this queue".
///
/// SQLite signals it after each commit that makes work due; PostgreSQL's LISTEN loop signals it on NOTIFY.
/// A waiter reads ``generation(of:)`` before it looks for work and passes it to ``wait(for:after:timeout:)``,
/// so a signal sent between the look and the wait is never missed.
public final class JobNotifier: Sendable {
    private struct Waiter {
        let queue: String
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var generations: [String: UInt64] = [:]
        var waiters: [UInt64: Waiter] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The number of signals seen for `queue` so far.
    public func generation(of queue: String) -> UInt64 {
        state.withLock { state in
            // Recorded so that `signalAll()` moves it too.
            if let generation = state.generations[queue] { return generation }
            state.generations[queue] = 0
            return 0
        }
    }

    /// Wakes every waiter of `queue`.
    public func signal(_ queue: String) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generations[queue, default: 0] &+= 1
            let tokens = state.waiters.filter { $0.value.queue == queue }.map(\.key)
            return tokens.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Wakes every waiter of every queue (for a notification whose queue is unknown, or shutdown).
    public func signalAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for key in state.generations.keys { state.generations[key]! &+= 1 }
            for waiter in state.waiters.values { state.generations[waiter.queue, default: 0] &+= 1 }
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once `queue` was signalled after `generation`, `timeout` passed, or the task is cancelled.
    public func wait(for queue: String, after generation: UInt64, timeout: Duration) async {
        // The wait ends on its task's cancellation, which the deadline (or the caller's cancellation) brings.
        _ = try? await withDeadline(timeout) { await self.waitForSignal(queue, after: generation) }
    }

    private func waitForSignal(_ queue: String, after generation: UInt64) async {
        let token = state.withLock { state -> UInt64 in
            state.nextToken &+= 1
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generations[queue, default: 0] != generation || Task.isCancelled { return true }
                    state.waiters[token] = Waiter(queue: queue, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.continuation.resume()
        }
    }
}

import Synchronization

/// In-process wake-ups for clients waiting on a run: "its events changed" and "it finished".
///
/// A waiter registers a ticket *before* it reads the store and waits on the ticket after, so a signal sent
/// between the read and the wait is never missed. Runs executed by another process send no signal here; their
/// waiters re-read the store when their wait times out.
public final class RunSignals: Sendable {
    public struct Ticket: Sendable {
        let runID: String
        let token: UInt64
    }

    private struct Waiter {
        let finishedOnly: Bool
        var signalled = false
        /// The finished run, when the signal that woke this waiter carried it.
        var run: TaskRun?
        var continuation: CheckedContinuation<Void, Never>?
    }

    private struct State {
        var waiters: [String: [UInt64: Waiter]] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts listening for `runID`: every signal, or only the one that says it finished.
    public func register(_ runID: String, finishedOnly: Bool) -> Ticket {
        state.withLock { state in
            state.nextToken &+= 1
            state.waiters[runID, default: [:]][state.nextToken] = Waiter(finishedOnly: finishedOnly)
            return Ticket(runID: runID, token: state.nextToken)
        }
    }

    /// Wakes the run's waiters: all of them after new events, and those waiting for the end when it `finished`.
    /// `run` is the finished run as stored (handed to waiters not signalled before, so they need not read it back).
    public func signal(_ runID: String, finished: Bool, run: TaskRun? = nil) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var waiters = state.waiters[runID] else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            for (token, var waiter) in waiters where finished || !waiter.finishedOnly {
                if !waiter.signalled, finished { waiter.run = run }
                waiter.signalled = true
                if let continuation = waiter.continuation { woken.append(continuation) }
                waiter.continuation = nil
                waiters[token] = waiter
            }
            state.waiters[runID] = waiters
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the ticket was signalled (perhaps already), `timeout` passed, or the task is cancelled; the
    /// ticket is spent afterwards. True when it was signalled.
    @discardableResult
    public func wait(_ ticket: Ticket, timeout: Duration) async -> Bool {
        await waitForRun(ticket, timeout: timeout).signalled
    }

    /// As ``wait(_:timeout:)``, also returning the finished run when the signal carried it.
    public func waitForRun(_ ticket: Ticket, timeout: Duration) async -> (signalled: Bool, run: TaskRun?) {
        // The wait ends on its task's cancellation, which the deadline (or the caller's cancellation) brings.
        _ = try? await withDeadline(timeout) { await self.waitForSignal(ticket) }
        let waiter = take(ticket)
        return (waiter?.signalled ?? false, waiter?.run)
    }

    /// Forgets a ticket that will not be waited on; true when it had been signalled.
    @discardableResult
    public func remove(_ ticket: Ticket) -> Bool {
        take(ticket)?.signalled ?? false
    }

    private func take(_ ticket: Ticket) -> Waiter? {
        let waiter = state.withLock { state -> Waiter? in
            let waiter = state.waiters[ticket.runID]?.removeValue(forKey: ticket.token)
            if state.waiters[ticket.runID]?.isEmpty == true { state.waiters[ticket.runID] = nil }
            return waiter
        }
        waiter?.continuation?.resume()
        return waiter
    }

    /// The number of tickets held (for tests: every path must spend its ticket).
    public var waiting: Int { state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } } }

    private func waitForSignal(_ ticket: Ticket) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard let waiter = state.waiters[ticket.runID]?[ticket.token], !waiter.signalled, !Task.isCancelled else { return true }
                    state.waiters[ticket.runID]?[ticket.token]?.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiters[ticket.runID]?[ticket.token]?.continuation = nil }
                return state.waiters[ticket.runID]?[ticket.token]?.continuation
            }
            continuation?.resume()
        }
    }
}

import ConciergeCore
import Synchronization

/// The time limits of one streamed call, kept on one ``DeadlineWatch`` entry: the head and first body bytes within
/// the deployment's timeout, then no silence between reads longer than the stall limit. When either passes, the
/// request is cancelled.
///
/// A read only notes its time: no timer is re-armed per read, as AsyncHTTPClient's idle-read timeout did (a
/// scheduled task and a cancelled one per read). When the entry fires after reads, it moves to the last read plus the
/// stall limit, so a silence is noticed at the first deadline at the earliest.
final class StreamDeadline: Sendable {
    enum Expiry: Sendable, Equatable {
        /// No head or first bytes within the deployment's timeout.
        case firstBytes
        /// The stream went silent for longer than the stall limit.
        case stalled
    }

    private struct State {
        var lastRead: ContinuousClock.Instant?
        var token: DeadlineWatch.Token?
        var ended = false
        var expiry: Expiry?
    }

    private let state = Mutex(State())
    private let watch: DeadlineWatch
    let stallLimit: Duration

    init(watch: DeadlineWatch, stallLimit: Duration) {
        self.watch = watch
        self.stallLimit = stallLimit
    }

    /// Arms a deadline (the first, then each one a read moved it to); `cancel` ends the request when a limit passes.
    func arm(_ deadline: ContinuousClock.Instant, cancel: @escaping @Sendable () -> Void) {
        let token = watch.register(deadline) { [self] in check(cancel: cancel) }
        let live = state.withLock { state -> Bool in
            guard !state.ended, state.expiry == nil else { return false }
            state.token = token
            return true
        }
        if !live { watch.cancel(token) }
    }

    private enum Step {
        case done, expire, rearm(ContinuousClock.Instant)
    }

    private func check(cancel: @escaping @Sendable () -> Void) {
        let now = ContinuousClock.now
        let step = state.withLock { state -> Step in
            guard !state.ended, state.expiry == nil else { return .done }
            state.token = nil
            guard let lastRead = state.lastRead else {
                state.expiry = .firstBytes
                return .expire
            }
            let stallDeadline = lastRead + stallLimit
            guard stallDeadline > now else {
                state.expiry = .stalled
                return .expire
            }
            return .rearm(stallDeadline)
        }
        switch step {
        case .done: break
        case .expire: cancel()
        case .rearm(let deadline): arm(deadline, cancel: cancel)
        }
    }

    /// A body read arrived.
    func read() {
        let now = ContinuousClock.now
        state.withLock { $0.lastRead = now }
    }

    /// The request ended, or what is left of it is bounded elsewhere: nothing more to watch.
    func end() {
        let token = state.withLock { state -> DeadlineWatch.Token? in
            state.ended = true
            defer { state.token = nil }
            return state.token
        }
        if let token { watch.cancel(token) }
    }

    /// Which limit ended the request, if one did.
    var expiry: Expiry? { state.withLock { $0.expiry } }
}

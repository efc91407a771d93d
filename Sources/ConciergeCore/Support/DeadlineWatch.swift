import Synchronization

/// One shared watch over many deadlines: callers register what to do when their deadline passes, and a single
/// background loop, running only while something is registered, sleeps until the earliest deadline (never less than
/// `tick`) and fires the expired ones.
///
/// It replaces a timer per call. A timer of the concurrency runtime goes through libdispatch's manager thread, so
/// arming and cancelling one per provider call or tool call cost thread switches on every call; registering here is a
/// locked dictionary insert. A deadline fires at most one `tick` late. A deadline earlier than the loop's next wake
/// starts a loop for it (the one it supersedes exits when it wakes), so an idle server with only far deadlines (the
/// job queue's one-second waits) wakes for them, not every `tick` (50 times a second).
public final class DeadlineWatch: Sendable {
    public static let shared = DeadlineWatch(tick: .milliseconds(20))

    public struct Token: Sendable, Hashable {
        let id: UInt64
    }

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        /// The current loop's number (older loops exit when they wake).
        var loop: UInt64 = 0
        /// When the current loop wakes next; nil while no loop runs.
        var wake: ContinuousClock.Instant?
        var wakeups = 0
    }

    private let state = Mutex(State())
    private let tick: Duration

    public init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `expire` once `deadline` has passed, unless ``cancel(_:)`` comes first.
    public func register(_ deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> Token {
        let (id, newLoop) = state.withLock { state -> (UInt64, (number: UInt64, wake: ContinuousClock.Instant)?) in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(deadline: deadline, expire: expire)
            // A loop already waking in time (at most one tick after this deadline) serves it.
            if let wake = state.wake, wake <= deadline + tick { return (state.nextID, nil) }
            state.loop &+= 1
            let wake = max(deadline, .now + tick)
            state.wake = wake
            return (state.nextID, (state.loop, wake))
        }
        if let newLoop { Task.detached { await self.watch(loop: newLoop.number, firstWake: newLoop.wake) } }
        return Token(id: id)
    }

    public func cancel(_ token: Token) {
        _ = state.withLock { $0.entries.removeValue(forKey: token.id) }
    }

    /// Deadlines registered and not yet fired or cancelled (for tests).
    public var pending: Int { state.withLock { $0.entries.count } }

    /// How many times a loop has woken (for tests).
    public var wakeups: Int { state.withLock { $0.wakeups } }

    private func watch(loop: UInt64, firstWake: ContinuousClock.Instant) async {
        var wake = firstWake
        while true {
            try? await Task.sleep(until: wake, clock: .continuous)
            let now = ContinuousClock.now
            let (expired, next) = state.withLock { state -> ([@Sendable () -> Void], ContinuousClock.Instant?) in
                guard state.loop == loop else { return ([], nil) }  // superseded by a loop for an earlier deadline
                state.wakeups += 1
                var expired: [@Sendable () -> Void] = []
                var earliest: ContinuousClock.Instant?
                for (id, entry) in state.entries {
                    if entry.deadline <= now {
                        expired.append(entry.expire)
                        state.entries[id] = nil
                    } else if earliest.map({ entry.deadline < $0 }) ?? true {
                        earliest = entry.deadline
                    }
                }
                guard let earliest else {
                    state.wake = nil
                    return (expired, nil)
                }
                state.wake = max(earliest, now + tick)
                return (expired, state.wake)
            }
            for expire in expired { expire() }
            guard let next else { return }
            wake = next
        }
    }
}

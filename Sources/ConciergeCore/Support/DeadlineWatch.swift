import Synchronization

/// One shared watch over many deadlines: callers register what to do when their deadline passes, and a single
/// background loop, running only while something is registered, checks them every `tick` and fires the expired ones.
///
/// It replaces a timer per call. A timer of the concurrency runtime goes through libdispatch's manager thread, so
/// arming and cancelling one per provider call or tool call cost thread switches on every call; registering here is a
/// locked dictionary insert. A deadline fires at most one `tick` late.
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
        var watching = false
    }

    private let state = Mutex(State())
    private let tick: Duration

    public init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `expire` once `deadline` has passed, unless ``cancel(_:)`` comes first.
    public func register(_ deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> Token {
        let (id, startLoop) = state.withLock { state -> (UInt64, Bool) in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(deadline: deadline, expire: expire)
            defer { state.watching = true }
            return (state.nextID, !state.watching)
        }
        if startLoop { Task.detached { await self.watch() } }
        return Token(id: id)
    }

    public func cancel(_ token: Token) {
        _ = state.withLock { $0.entries.removeValue(forKey: token.id) }
    }

    /// Deadlines registered and not yet fired or cancelled (for tests).
    public var pending: Int { state.withLock { $0.entries.count } }

    private func watch() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state -> ([@Sendable () -> Void], Bool) in
                var expired: [@Sendable () -> Void] = []
                for (id, entry) in state.entries where entry.deadline <= now {
                    expired.append(entry.expire)
                    state.entries[id] = nil
                }
                if state.entries.isEmpty { state.watching = false }
                return (expired, !state.watching)
            }
            for expire in expired { expire() }
            if done { return }
        }
    }
}

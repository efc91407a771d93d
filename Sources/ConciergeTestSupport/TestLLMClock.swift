public import ConciergeCore
import Synchronization

/// A clock for router tests: `sleep` returns at once, recording the duration and moving time forward;
/// tests move time with ``advance(by:)`` to pass a breaker's cool-down.
public final class TestLLMClock: LLMClock {
    private struct State {
        var now = Duration.zero
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func now() -> Duration { state.withLock { $0.now } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now += duration
        }
    }

    public func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
    }

    /// Every sleep so far, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }
}

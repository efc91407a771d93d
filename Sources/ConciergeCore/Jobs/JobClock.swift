public import Foundation
import Synchronization

/// Wall-clock time for the queue (start times, leases, backoff), injectable so tests can move time by hand.
public protocol JobClock: Sendable {
    func now() -> Date
}

/// The system's wall clock.
public struct SystemJobClock: JobClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told; for tests of delays, backoff and lease expiry without sleeping.
public final class ManualJobClock: JobClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(duration.inSeconds) }
    }
}

extension Date {
    /// This instant moved by a `Duration`.
    public func adding(_ duration: Duration) -> Date { addingTimeInterval(duration.inSeconds) }
}

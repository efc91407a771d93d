import Synchronization

/// Thrown by ``withDeadline(_:watch:operation:)`` when the operation did not finish in time.
public struct DeadlineExceeded: Error, Sendable, Equatable {
    public init() {}
}

/// Runs `operation`, cancelling it and throwing ``DeadlineExceeded`` if it takes longer than `timeout`. Like a task
/// group racing a sleep, it returns only once `operation` has ended; it costs one task and a ``DeadlineWatch`` entry.
public func withDeadline<T: Sendable>(
    _ timeout: Duration,
    watch: DeadlineWatch = .shared,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let task = Task { try await operation() }
    let expired = ExpiryFlag()
    let token = watch.register(.now + timeout) {
        expired.fired.store(true, ordering: .relaxed)
        task.cancel()
    }
    defer { watch.cancel(token) }
    do {
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    } catch {
        if expired.fired.load(ordering: .relaxed) { throw DeadlineExceeded() }
        throw error
    }
}

/// Set when a ``withDeadline(_:watch:operation:)`` deadline fired.
private final class ExpiryFlag: Sendable {
    let fired = Atomic<Bool>(false)
}

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    public var inMilliseconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1_000_000_000_000_000
    }

    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double { inMilliseconds / 1_000 }

    /// The duration in whole nanoseconds (what metrics timers record).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Thrown by ``withDeadline(_:operation:)`` when the operation did not finish in time.
public struct DeadlineExceeded: Error, Sendable, Equatable {
    public init() {}
}

/// Runs `operation`, cancelling it and throwing ``DeadlineExceeded`` if it takes longer than `timeout`.
public func withDeadline<T: Sendable>(
    _ timeout: Duration,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded() }
        return first
    }
}

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    public var inMilliseconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1_000_000_000_000_000
    }

    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double { inMilliseconds / 1_000 }
}

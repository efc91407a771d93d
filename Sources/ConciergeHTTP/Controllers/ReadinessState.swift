import Synchronization

/// Whether the server is draining for shutdown. Readiness answers 503 from the moment this is set.
public final class ReadinessState: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func startDraining() {
        draining.store(true, ordering: .relaxed)
    }
}

import Synchronization

/// Metric handles by label and dimensions, created once: the factory lookup is kept off every call.
final class MetricHandleCache<Handle: Sendable>: Sendable {
    private let handles = Mutex<[String: Handle]>([:])
    private let make: @Sendable (String, [(String, String)]) -> Handle

    init(make: @escaping @Sendable (String, [(String, String)]) -> Handle) {
        self.make = make
    }

    func handle(_ label: String, _ dimensions: [(String, String)]) -> Handle {
        let key = dimensions.reduce(label) { $0 + "\u{1}" + $1.0 + "=" + $1.1 }
        return handles.withLock { cache in
            if let existing = cache[key] { return existing }
            let created = make(label, dimensions)
            cache[key] = created
            return created
        }
    }
}

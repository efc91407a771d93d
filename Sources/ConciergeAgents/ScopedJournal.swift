import ConciergeCore

/// A re-plan's view of the run's journal: its step ids are prefixed (`r1/s1`) so they never collide with the first
/// plan's journaled calls.
struct ScopedJournal: RunJournal {
    let inner: any RunJournal
    let prefix: String

    func journaledCalls() async throws -> [String: ToolCallRecord] {
        var scoped: [String: ToolCallRecord] = [:]
        for (key, record) in try await inner.journaledCalls() {
            if prefix.isEmpty {
                if !key.contains("/") { scoped[key] = record }
            } else if key.hasPrefix(prefix) {
                var copy = record
                copy.stepID = String(key.dropFirst(prefix.count))
                scoped[copy.stepID] = copy
            }
        }
        return scoped
    }

    func record(_ call: ToolCallRecord) async throws {
        var copy = call
        copy.stepID = prefix + call.stepID
        try await inner.record(copy)
    }
}

public import ConciergeCore
public import Foundation
import Synchronization

/// Wraps a tool with a result cache keyed by its arguments, for the tool's `cacheTTL` (weather 10 min, GitHub 1 h).
/// Side-effecting tools and tools without a TTL are never cached. Final errors are not cached either.
public final class CachingTool: Tool {
    let inner: any Tool
    let ttl: Duration
    let now: @Sendable () -> Date
    private let entries = Mutex<[String: (expires: Date, output: ToolOutput)]>([:])

    /// Returns `tool` itself when it must not be cached.
    public static func wrap(_ tool: any Tool, now: @escaping @Sendable () -> Date = { Date() }) -> any Tool {
        guard !tool.hasSideEffects, let ttl = tool.cacheTTL, ttl > .zero else { return tool }
        return CachingTool(tool, ttl: ttl, now: now)
    }

    init(_ inner: any Tool, ttl: Duration, now: @escaping @Sendable () -> Date) {
        self.inner = inner
        self.ttl = ttl
        self.now = now
    }

    public var name: String { inner.name }
    public var description: String { inner.description }
    public var parametersSchema: JSONValue { inner.parametersSchema }
    public var timeout: Duration { inner.timeout }
    public var cacheTTL: Duration? { ttl }

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        let key = JSONValue.object(arguments).jsonText
        let instant = now()
        if let hit = entries.withLock({ $0[key] }), hit.expires > instant { return hit.output }
        let output = try await inner.invoke(arguments, context: context)
        let seconds = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        entries.withLock { cache in
            cache = cache.filter { $0.value.expires > instant }
            if cache.count < 10_000 { cache[key] = (instant.addingTimeInterval(seconds), output) }
        }
        return output
    }
}

import Foundation
import Synchronization

/// Compiled regular expressions by pattern. The rule planner tries the same few dozen patterns on every task, and
/// compiling one (ICU) costs far more than matching it: without the cache, compiling was a tenth of a rule-planned
/// run's CPU. The set of patterns is fixed by the code (plus a few built from the unit table), so it stays small.
enum PatternCache {
    /// `NSRegularExpression` is immutable and safe to use from several threads once compiled.
    private final class Compiled: @unchecked Sendable {
        let regex: NSRegularExpression
        init(_ regex: NSRegularExpression) { self.regex = regex }
    }

    private struct Key: Hashable {
        var pattern: String
        var caseInsensitive: Bool
    }

    private static let compiled = Mutex<[Key: Compiled]>([:])

    /// The compiled pattern, or nil when it does not compile.
    static func regex(_ pattern: String, caseInsensitive: Bool = false) -> NSRegularExpression? {
        let key = Key(pattern: pattern, caseInsensitive: caseInsensitive)
        if let hit = compiled.withLock({ $0[key] }) { return hit.regex }
        guard let regex = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : []) else { return nil }
        compiled.withLock { $0[key] = Compiled(regex) }
        return regex
    }
}

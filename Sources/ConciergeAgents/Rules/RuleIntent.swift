import ConciergeCore
import Foundation

/// One tool call the rules found in a clause, and the slot a following bare clause may replace
/// ("weather in London and Paris": the second clause keeps the intent and replaces `location`).
struct RuleMatch {
    var tool: String
    var arguments: [String: JSONValue]
    var purpose: String
    /// The argument a bare follow-up clause replaces, if any.
    var carrySlot: String?
    /// A place mentioned, for `there` in later clauses.
    var place: String?
}

/// What rules know while reading a task: the last place named and the unit names they may convert.
struct RuleContext {
    var lastPlace: String?
    var unitNames: Set<String>
}

extension String {
    func matches(_ pattern: String) -> Bool {
        PatternCache.regex(pattern, caseInsensitive: true)?.firstMatch(in: self, range: NSRange(startIndex..., in: self)) != nil
    }

    /// Capture groups of the first case-insensitive match of `pattern` (empty strings for groups that did not take part).
    func captures(_ pattern: String) -> [String]? {
        guard let regex = PatternCache.regex(pattern, caseInsensitive: true),
            let match = regex.firstMatch(in: self, range: NSRange(startIndex..., in: self))
        else { return nil }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: self).map { String(self[$0]) } ?? ""
        }
    }
}

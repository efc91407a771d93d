import Foundation

/// Cuts a task into clauses that each ask for one thing: at sentence ends, semicolons, `and`/`then`/`also`
/// between requests, and a comma before a word. Never inside a number (`2,340`), a date (`May 5, 2026`),
/// a URL, or a `between X and Y` range.
enum ClauseSplitter {
    // Compiled once, with ICU (`NSRegularExpression` is immutable and thread-safe once built): Swift's `Regex`
    // matched these three at about twice the cost, and they run on every rule-planned task.
    static let separator = compile(#"\s*(?:;|[.?!](?:\s+|$)|,\s+(?:and\s+|then\s+|also\s+)?(?=[a-z])|\s+(?:and|then|also)\s+(?:then\s+|also\s+)?(?=[a-z0-9]))"#)
    static let between = compile(#"\bbetween\s+(\S+(?:\s+\S+){0,3}?)\s+and\s+"#)
    static let url = compile(#"https?://\S+"#)
    static let guardMark = "\u{1}"

    private static func compile(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants of this file: one that does not compile is a programming error.
        try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    static func clauses(of task: String) -> [String] {
        var text = task
        // Protect URLs and `between … and …` from the cuts.
        var urls: [String] = []
        for match in url.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let range = Range(match.range, in: text) else { continue }
            urls.insert(String(text[range]), at: 0)
            text.replaceSubrange(range, with: "\(guardMark)URL\(guardMark)")
        }
        text = between.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "between $1 \(guardMark)and\(guardMark) "
        )
        var pieces: [String] = []
        var start = text.startIndex
        for match in separator.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            pieces.append(String(text[start..<range.lowerBound]))
            start = range.upperBound
        }
        pieces.append(String(text[start...]))
        var urlIndex = 0
        pieces = pieces.map { piece in
            var restored = piece.replacingOccurrences(of: "\(guardMark)and\(guardMark)", with: "and")
            while let range = restored.range(of: "\(guardMark)URL\(guardMark)"), urlIndex < urls.count {
                restored.replaceSubrange(range, with: urls[urlIndex])
                urlIndex += 1
            }
            return restored.trimmingCharacters(in: .whitespaces)
        }
        return pieces.filter { !$0.isEmpty }
    }
}

import Foundation

/// Slot extraction shared by the intent rules: places, counts, dates and topics.
enum Slots {
    static let stopWords: Set<String> = [
        "today", "tomorrow", "tonight", "now", "right", "this", "next", "please", "currently", "at", "on", "the", "for", "and",
        "over", "during", "like", "be", "is", "will", "going", "in", "with", "weekend", "week", "morning", "afternoon", "evening",
    ]
    static let pronouns: Set<String> = ["there", "that city", "that place", "it", "the same place"]

    /// The place after `in`/`for`/`at` (up to four words, stopping at time words), or capitalised words before
    /// `anchor` ("London weather"). `there` means `previous`.
    static func place(in clause: String, before anchor: String? = nil, previous: String?) -> String? {
        if clause.matches(#"\b(there|that city|that place)\b"#), let previous {
            return previous
        }
        let words = tokens(clause)
        for (index, word) in words.enumerated() where ["in", "for", "at", "of"].contains(word.lowercased()) {
            var taken: [String] = []
            for candidate in words[(index + 1)...] {
                let lower = candidate.lowercased()
                if stopWords.contains(lower) || candidate.first?.isNumber == true || taken.count == 4 { break }
                taken.append(candidate)
            }
            let name = taken.joined(separator: " ")
            if !name.isEmpty, !["the", "a", "an"].contains(name.lowercased()) { return capitalised(name) }
        }
        if let anchor, let regex = PatternCache.regex(anchor, caseInsensitive: true),
           let match = regex.firstMatch(in: clause, range: NSRange(clause.startIndex..., in: clause)), let range = Range(match.range, in: clause) {
            let before = tokens(String(clause[..<range.lowerBound]))
            let capitals = before.reversed().prefix { $0.first?.isUppercase == true && !["What", "How", "Is", "Will", "Get", "Show", "Tell", "The"].contains($0) }
            if !capitals.isEmpty { return capitals.reversed().joined(separator: " ") }
        }
        return nil
    }

    static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?\"'()")) }
            .filter { !$0.isEmpty }
    }

    static func capitalised(_ name: String) -> String {
        guard name == name.lowercased() else { return name }
        return name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    static let numberWords: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "a couple of": 2, "a few": 3, "a dozen": 12, "twenty": 20,
    ]

    /// A small count written as digits or a word ("the three most-starred", "top 5").
    static func count(in clause: String) -> Int? {
        let lower = clause.lowercased()
        if let parts = lower.captures(#"\b(?:top|first|best|most|the)?\s*(\d{1,2})\b(?!\s*(?:%|km|kg|days?|hours?))"#), let value = Int(parts[1]) {
            return value
        }
        for (word, value) in numberWords where lower.matches("\\b\(word)\\b") { return value }
        return nil
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let datePattern = #"\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?\s+\d{4}|today|tomorrow|now"#

    /// Every date in the clause, as `YYYY-MM-DD` (or `today`/`tomorrow`), in order.
    static func dates(in clause: String) -> [String] {
        let lower = clause.lowercased()
        guard let regex = PatternCache.regex(datePattern) else { return [] }
        return regex.matches(in: lower, range: NSRange(lower.startIndex..., in: lower)).compactMap { match in
            Range(match.range, in: lower).flatMap { normalise(String(lower[$0])) }
        }
    }

    static func normalise(_ text: String) -> String? {
        if text == "today" || text == "now" || text == "tomorrow" { return text }
        if text.first?.isNumber == true, text.count == 10, text.contains("-") { return text }
        let parts = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        guard let year = parts.last.flatMap({ Int($0) }) else { return nil }
        let monthIndex = months.firstIndex { month in parts.contains { $0.hasPrefix(month) } }
        let day = parts.dropLast().compactMap { Int($0.trimmingCharacters(in: .letters)) }.first
        guard let monthIndex, let day else { return nil }
        return String(format: "%04d-%02d-%02d", year, monthIndex + 1, day)
    }

    /// The clause without filler words: what a search is about.
    static func topic(of clause: String, dropping extra: Set<String>) -> String {
        let filler: Set<String> = [
            "the", "a", "an", "me", "my", "for", "of", "on", "in", "about", "find", "search", "show", "list", "get", "give", "tell",
            "what", "which", "are", "is", "most", "top", "best", "popular", "starred", "most-starred", "stars", "github", "repos",
            "repositories", "repository", "projects", "please", "some", "and", "with", "look", "up", "that", "have", "has", "by",
        ]
        return tokens(clause).filter { word in
            let lower = word.lowercased()
            return !filler.contains(lower) && !extra.contains(lower) && Int(lower) == nil && numberWords[lower] == nil
        }.joined(separator: " ")
    }
}

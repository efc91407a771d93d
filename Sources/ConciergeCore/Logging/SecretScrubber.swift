/// Removes credentials and personal data from text bound for logs and error messages: bearer tokens, Authorization
/// and X-API-Key values, API-key shaped strings (`sk-…`, `ck_…`), JWTs, passwords in connection URLs, e-mail
/// addresses, phone numbers and card numbers (Luhn-checked, so ids and amounts stay readable).
public enum SecretScrubber {
    public static func scrub(_ text: String) -> String {
        // Fast paths: the common log value (a route, a status, a duration, a request id) can hold nothing to redact.
        guard mayHoldSecret(text) else { return text }
        if isPlainToken(text) { return text }
        return applyingPatterns(text)
    }

    /// Every pattern, without the fast paths (tests check the fast paths against it).
    package static func applyingPatterns(_ text: String) -> String {
        var result = text
        let p = Patterns.shared
        result.replace(p.keyValue) { "\($0.output.1)[REDACTED]" }
        result.replace(p.bearer) { "\($0.output.1)[REDACTED]" }
        result.replace(p.jwt) { _ in "[REDACTED]" }
        result.replace(p.apiKey) { _ in "[REDACTED]" }
        result.replace(p.urlPassword) { "\($0.output.1)***@" }
        result.replace(p.email) { _ in "[EMAIL]" }
        // No lookbehind in Swift regexes: the character before a number is captured and put back.
        result.replace(p.card) { match in
            match.output.1 + (luhnValid(match.output.2) ? "[CARD]" : match.output.2)
        }
        result.replace(p.phone) { match in
            let digits = match.output.2.filter(\.isNumber).count
            return match.output.1 + ((9...15).contains(digits) ? "[PHONE]" : match.output.2)
        }
        result.replace(p.internationalPhone) { match in match.output.1 + "[PHONE]" }
        return result
    }

    /// Whether any pattern below could match: each needs a digit, `@`, `:`, `_`, `-` or `=`, or is a bearer token or
    /// a JWT. Scans bytes, not characters (grapheme breaking was the cost); any non-ASCII byte counts as possible, since
    /// the patterns' `\d` also matches non-ASCII digits.
    package static func mayHoldSecret(_ text: String) -> Bool {
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x40, 0x3A, 0x5F, 0x2D, 0x3D, 0x80...: return true  // digits @ : _ - = and non-ASCII
            default: continue
            }
        }
        return containsASCII(text, "earer") || containsASCII(text, "eyJ")
    }

    /// Whether the ASCII `needle` occurs in `text`'s UTF-8 bytes. `String.contains` compares Characters (a generic
    /// search with grapheme breaking): on the access log line it cost more than everything else the scrubber does.
    /// A byte match is never narrower than the Character match (it also finds the needle before a combining mark).
    package static func containsASCII(_ text: String, _ needle: StaticString) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ containsASCII(bytes: $0, needle) }) { return found }
        return Array(text.utf8).withUnsafeBufferPointer { containsASCII(bytes: $0, needle) }
    }

    private static func containsASCII(bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count > 0 else { return true }
        guard bytes.count >= count else { return false }
        let pattern = needle.utf8Start
        for start in 0...(bytes.count - count) where bytes[start] == pattern[0] {
            var offset = 1
            while offset < count, bytes[start + offset] == pattern[offset] { offset += 1 }
            if offset == count { return true }
        }
        return false
    }

    /// Only ASCII letters, digits, dots and slashes, no JWT start, and no run of 13 or more digits standing alone
    /// (between the text's ends or slashes): no pattern below can match. Each needs `:`, `=`, `@`, `+`, `-`, `_` or
    /// whitespace, except the card number: 13–19 digits with neither a letter, digit, `_` nor `.` on either side, so
    /// a long digit run inside a hex id (a generated request id has one now and then) cannot be one. Request ids,
    /// routes, durations and statuses take this path.
    package static func isPlainToken(_ text: String) -> Bool {
        var run = 0
        var runStandsAlone = false
        var previous = UInt8(ascii: "/")  // the start of the text bounds a run as a slash does
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39:
                if run == 0 { runStandsAlone = previous == UInt8(ascii: "/") }
                run += 1
            case 0x41...0x5A, 0x61...0x7A, 0x2E, 0x2F:
                if run >= 13, runStandsAlone, byte == UInt8(ascii: "/") { return false }
                run = 0
            default: return false
            }
            previous = byte
        }
        if run >= 13, runStandsAlone { return false }
        return !containsASCII(text, "eyJ")
    }

    /// Compiled once: a regex literal in a function body is parsed again on every call, which made scrubbing the
    /// access log line the largest CPU cost of a gateway call.
    struct Patterns: @unchecked Sendable {  // Regex values are immutable once built; only read after `shared` is made.
        static let shared = Patterns()
        let keyValue = #/(?i)((?:authorization|x-api-key|api[_-]?key|password|secret|token)["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+)?[^\s"',;}]+/#
        let bearer = #/(?i)(bearer\s+)[A-Za-z0-9._~+\/=-]+/#
        let jwt = #/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/#
        let apiKey = #/(sk-|ck_)[A-Za-z0-9_-]{8,}/#
        let urlPassword = #/(://[^:/@\s]+:)[^@\s]+@/#
        let email = #/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/#
        let card = #/(^|[^\w.])((?:\d[ -]?){12,18}\d)(?![\w.])/#
        let phone = #/(^|[^\w.:+-])((?:\+\d{1,3}[ -]?)?(?:\(\d{1,4}\)[ -]?)?\d{2,4}(?:[ -]\d{2,4}){1,4})(?![\w.:-])/#
        let internationalPhone = #/(^|[^\w.])\+\d{9,15}(?![\w.])/#
    }

    static func luhnValid(_ text: Substring) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}

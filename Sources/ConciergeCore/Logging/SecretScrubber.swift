/// Removes credentials and personal data from text bound for logs and error messages: bearer tokens, Authorization
/// and X-API-Key values, API-key shaped strings (`sk-…`, `ck_…`), JWTs, passwords in connection URLs, e-mail
/// addresses, phone numbers and card numbers (Luhn-checked, so ids and amounts stay readable).
public enum SecretScrubber {
    public static func scrub(_ text: String) -> String {
        // Fast path: the common log line carries nothing that could be a credential or personal data.
        guard text.contains(where: { $0.isNumber || $0 == "@" || $0 == ":" || $0 == "_" || $0 == "-" || $0 == "=" })
            || text.contains("earer") || text.contains("eyJ")
        else { return text }
        var result = text
        result.replace(#/(?i)((?:authorization|x-api-key|api[_-]?key|password|secret|token)["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+)?[^\s"',;}]+/#) {
            "\($0.output.1)[REDACTED]"
        }
        result.replace(#/(?i)(bearer\s+)[A-Za-z0-9._~+\/=-]+/#) { "\($0.output.1)[REDACTED]" }
        result.replace(#/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/#) { _ in "[REDACTED]" }
        result.replace(#/(sk-|ck_)[A-Za-z0-9_-]{8,}/#) { _ in "[REDACTED]" }
        result.replace(#/(://[^:/@\s]+:)[^@\s]+@/#) { "\($0.output.1)***@" }
        result.replace(#/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/#) { _ in "[EMAIL]" }
        // No lookbehind in Swift regexes: the character before a number is captured and put back.
        result.replace(#/(^|[^\w.])((?:\d[ -]?){12,18}\d)(?![\w.])/#) { match in
            match.output.1 + (luhnValid(match.output.2) ? "[CARD]" : match.output.2)
        }
        result.replace(#/(^|[^\w.:+-])((?:\+\d{1,3}[ -]?)?(?:\(\d{1,4}\)[ -]?)?\d{2,4}(?:[ -]\d{2,4}){1,4})(?![\w.:-])/#) { match in
            let digits = match.output.2.filter(\.isNumber).count
            return match.output.1 + ((9...15).contains(digits) ? "[PHONE]" : match.output.2)
        }
        result.replace(#/(^|[^\w.])\+\d{9,15}(?![\w.])/#) { match in match.output.1 + "[PHONE]" }
        return result
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

/// Removes credentials from text bound for logs and error messages: bearer tokens, API-key shaped strings,
/// and passwords in connection URLs. The access-control work extends the patterns (JWTs, e-mail, phone, card).
public enum SecretScrubber {
    public static func scrub(_ text: String) -> String {
        // Fast path: the common log line carries nothing that looks like a credential.
        guard text.contains("://") || text.contains("earer") || text.contains("sk-") || text.contains("ck_") else { return text }
        var result = text
        result.replace(#/(?i)(bearer\s+)[A-Za-z0-9._~+\/=-]+/#) { "\($0.output.1)[REDACTED]" }
        result.replace(#/(sk-|ck_)[A-Za-z0-9_-]{8,}/#) { _ in "[REDACTED]" }
        result.replace(#/(://[^:/@\s]+:)[^@\s]+@/#) { "\($0.output.1)***@" }
        return result
    }
}

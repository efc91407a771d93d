import ConciergeCore
public import Foundation

/// Request ids: the client's `X-Request-ID` is kept only when it is a sane token.
public enum RequestID {
    public static let maxLength = 128

    /// True for 1–128 characters of letters, digits and `-_.:`.
    public static func isSane(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard !utf8.isEmpty, utf8.count <= maxLength else { return false }
        return utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
    }

    /// A new id: 32 lower-case hex characters, the first 12 the milliseconds since 1970 and the other 20 random
    /// (80 bits). Ids made later sort after earlier ones, so the ledger's `request_id` index grows at its end instead
    /// of taking a write on a random page per row.
    public static func generate(now: Date = Date()) -> String {
        var generator = BufferedRandom()
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let random = generator.next() as UInt64
        let high = millis << 16 | random >> 48
        let low = generator.next() as UInt64
        // Written in place: `String(_:radix:)` and padding made three intermediate strings per request.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            HexDigits.write(high, digits: 16, into: buffer, at: 0)
            HexDigits.write(low, digits: 16, into: buffer, at: 16)
            return 32
        }
    }
}

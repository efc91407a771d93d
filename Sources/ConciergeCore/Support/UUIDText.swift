import Foundation

/// UUIDs as lower-case text, the form `UUID().uuidString.lowercased()` gives, for ids made on every model call
/// (ledger rows, budget reservations). Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` each
/// time (three system calls, about 1 % of a gateway call's CPU); these take their random bits from the kernel through
/// ``BufferedRandom`` and write the text in place.
public enum UUIDText {
    /// A random (version 4) UUID.
    public static func random() -> String {
        var generator = BufferedRandom()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        return text(high: high, low: low)
    }

    /// A time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds in its first 48 bits, then 74 random
    /// bits. Rows keyed by it are inserted at the end of their index instead of at a random page of it, so a
    /// transaction that adds many rows rewrites a few pages of the index, not one page per row.
    public static func timeOrdered(millisecondsSince1970 milliseconds: UInt64 = currentMilliseconds()) -> String {
        var generator = BufferedRandom()
        // Version 7 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (generator.next() as UInt64) & 0x0FFF
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        return text(high: high, low: low)
    }

    public static func currentMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    private static func text(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                let word = nibble < 16 ? high : low
                buffer[index] = HexDigits.ascii(word >> (60 - 4 * UInt64(nibble % 16)))
                index += 1
            }
            return index
        }
    }
}

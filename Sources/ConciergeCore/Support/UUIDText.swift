/// Random (version 4) UUIDs as lower-case text, the form `UUID().uuidString.lowercased()` gives, for ids made on every
/// model call (ledger rows, budget reservations). Foundation's `UUID()` on Linux opens, reads and closes
/// `/dev/urandom` each time (three system calls, about 1 % of a gateway call's CPU); this takes the same 122 random
/// bits from the system generator (`getrandom`) and writes the text in place.
public enum UUIDText {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        // Version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        return String(unsafeUninitializedCapacity: 36) { buffer in
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

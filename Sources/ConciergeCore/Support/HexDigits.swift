/// Lower-case hexadecimal digits as ASCII bytes, for ids and digests written in place (request ids, UUIDs, key hashes).
public enum HexDigits {
    /// The ASCII digit (`0`–`9`, `a`–`f`) of the low four bits of `value`.
    @inlinable
    public static func ascii(_ value: some BinaryInteger) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value) & 0x0F
        return nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }
}

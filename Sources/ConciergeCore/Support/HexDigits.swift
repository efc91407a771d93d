/// Lower-case hexadecimal digits as ASCII bytes, for ids and digests written in place (request ids, UUIDs, key hashes).
public enum HexDigits {
    /// The ASCII digit (`0`–`9`, `a`–`f`) of the low four bits of `value`.
    @inlinable
    public static func ascii(_ value: some BinaryInteger) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value) & 0x0F
        return nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }

    /// Writes the low `digits` hex digits of `value`, most significant first, into `buffer` from `offset`
    /// (ids written in place: request ids, task ids).
    @inlinable
    public static func write(_ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<digits {
            buffer[offset + index] = ascii(value >> UInt64(4 * (digits - 1 - index)))
        }
    }
}

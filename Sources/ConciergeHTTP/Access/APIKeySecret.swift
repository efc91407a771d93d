import ConciergeCore
import Crypto
import Foundation

/// The presented form of an API key, `ck_<id>_<secret>`: a recognisable prefix, a short public id (8 hex digits, the
/// row's primary key) and 32 random bytes in base64url. Only the SHA-256 of the whole string is stored.
public struct APIKeySecret: Sendable, Hashable {
    public static let prefix = "ck_"
    /// Longer values are refused before any parsing or lookup.
    public static let maxLength = 128

    public let id: String
    public let value: String

    /// A new key from the system's cryptographic random source.
    public static func generate() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
            .base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIKeySecret(id: id, value: "\(prefix)\(id)_\(secret)")
    }

    /// A new secret for an existing id (rotation).
    public static func generate(id: String) -> APIKeySecret {
        let fresh = generate()
        return APIKeySecret(id: id, value: prefix + id + fresh.value.dropFirst(prefix.count + fresh.id.count))
    }

    /// Parses a presented key; nil when it does not have the shape of one.
    public init?(presented: String) {
        guard presented.count <= Self.maxLength, presented.hasPrefix(Self.prefix) else { return nil }
        let rest = presented.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let id = rest[..<separator]
        guard id.count == 8, id.allSatisfy(\.isHexDigit), rest[rest.index(after: separator)...].count >= 16 else { return nil }
        self.init(id: String(id), value: presented)
    }

    private init(id: String, value: String) {
        self.id = id
        self.value = value
    }

    /// SHA-256 of the whole presented string, lower-case hex: what the store keeps.
    public var hash: String { Self.hash(value) }

    public static func hash(_ value: String) -> String {
        // Hashed from the string's own UTF-8 and written in place as hex: `String(format:)` per byte, then a `Data`
        // copy and a byte array, were a visible share of every authenticated request's CPU.
        var value = value
        let digest = value.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = HexDigits.ascii(byte >> 4)
                buffer[index + 1] = HexDigits.ascii(byte)
                index += 2
            }
            return index
        }
    }

    /// Compares two hashes without an early exit, so timing reveals nothing about how much matched.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
                for index in 0..<max(left.count, right.count) {
                    difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
                }
                return difference == 0
            }
        }
    }
}

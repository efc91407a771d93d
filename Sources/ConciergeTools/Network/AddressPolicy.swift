import Foundation

/// Which resolved addresses `http_fetch` may connect to: public unicast only. Refuses loopback, private (RFC 1918,
/// fc00::/7), link-local (169.254/16, fe80::/10, which holds the cloud metadata address 169.254.169.254),
/// carrier-grade NAT, unspecified, multicast, reserved and documentation ranges, and IPv4-mapped forms of those.
/// Hosts on the allowlist (exact names, `.suffix` names, or literal addresses) skip the check; an allowlisted address
/// is also allowed when a name resolves to it (it could be fetched by its literal anyway).
public struct AddressPolicy: Sendable {
    public let allowlist: [String]

    public init(allowlist: [String] = []) {
        self.allowlist = allowlist.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    public func isAllowlisted(host: String) -> Bool {
        let name = host.lowercased()
        return allowlist.contains { entry in entry == name || (entry.hasPrefix(".") && name.hasSuffix(entry)) }
    }

    /// Why `address` (numeric, v4 or v6) is refused, or nil when it is public.
    public static func refusal(for address: String) -> String? {
        if let v4 = ipv4(address) { return refusal(v4: v4) }
        guard let v6 = ipv6(address) else { return "is not an IP address" }
        if v6.allSatisfy({ $0 == 0 }) { return "is the unspecified address" }
        if v6[0..<15].allSatisfy({ $0 == 0 }) && v6[15] == 1 { return "is loopback" }
        if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xFF && v6[11] == 0xFF { return refusal(v4: Array(v6[12..<16])) }
        if v6[0] & 0xFE == 0xFC { return "is private (fc00::/7)" }
        if v6[0] == 0xFE && v6[1] & 0xC0 == 0x80 { return "is link-local (fe80::/10)" }
        if v6[0] == 0xFF { return "is multicast" }
        if v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8 { return "is a documentation address" }
        return nil
    }

    static func refusal(v4: [UInt8]) -> String? {
        let (a, b) = (v4[0], v4[1])
        switch true {
        case a == 0: return "is in 0.0.0.0/8"
        case a == 127: return "is loopback"
        case a == 10, a == 172 && (16...31).contains(b), a == 192 && b == 168: return "is private"
        case a == 169 && b == 254: return "is link-local (cloud metadata lives here)"
        case a == 100 && (64...127).contains(b): return "is carrier-grade NAT"
        case a == 192 && b == 0 && v4[2] == 0: return "is IETF-reserved"
        case a == 198 && (18...19).contains(b): return "is a benchmarking address"
        case a >= 224: return "is multicast or reserved"
        default: return nil
        }
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: address.s_addr) { Array($0) }
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        let plain = text.split(separator: "%").first.map(String.init) ?? text
        guard inet_pton(AF_INET6, plain, &address) == 1 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    /// Every address `host` resolves to, as numeric text.
    public static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}

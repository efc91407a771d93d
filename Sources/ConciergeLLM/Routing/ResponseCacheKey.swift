import ConciergeCore
import Foundation

/// The cache key of a request: the normalised request text (alias, messages, tools, tool choice, response format
/// and sampling parameters; never attribution) and a 128-bit FNV-1a hash of it for the index. The cache compares
/// the full text too, so the non-cryptographic hash can only cost a miss, never a wrong answer.
struct ResponseCacheKey: Sendable {
    let hash: String
    let text: String

    init(_ request: ChatRequest) {
        var normalised = request
        normalised.attribution = CallAttribution()
        normalised.cachePolicy = .automatic
        normalised.user = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(normalised)) ?? Data()
        text = String(decoding: data, as: UTF8.self)
        hash = "v1:" + Self.fnv1a(data, seed: 0xcbf2_9ce4_8422_2325) + Self.fnv1a(data, seed: 0x8422_2325_cbf2_9ce4)
    }

    /// Whether the cache may answer `request`.
    static func isCacheable(_ request: ChatRequest) -> Bool {
        switch request.cachePolicy {
        case .bypass: false
        case .preferCached: true
        case .automatic: request.temperature == 0
        }
    }

    private static func fnv1a(_ data: Data, seed: UInt64) -> String {
        var hash = seed
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

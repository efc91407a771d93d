/// An amount of money in integer micro-USD (1 USD = 1,000,000). Never floating point.
public struct MicroUSD: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    /// From a decimal USD amount as written in a config file, rounded to the nearest micro-USD.
    public init(usd: Double) {
        self.value = Int64((usd * 1_000_000).rounded())
    }

    public static let zero = MicroUSD(0)
    public static func + (lhs: Self, rhs: Self) -> Self { .init(lhs.value + rhs.value) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    /// The amount in USD, for display and for Prometheus (which only has floats).
    public var usd: Double { Double(value) / 1_000_000 }

    /// `12.345678` style, exact.
    public var description: String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }
}

/// A deployment's prices, each in micro-USD per million tokens (so 2.50 USD per million is 2,500,000).
public struct TokenPrices: Sendable, Hashable, Codable {
    public var inputPerMillion: MicroUSD
    public var outputPerMillion: MicroUSD
    /// Price of prompt tokens served from the provider's cache; defaults to the input price.
    public var cachedPerMillion: MicroUSD

    public init(inputPerMillion: MicroUSD, outputPerMillion: MicroUSD, cachedPerMillion: MicroUSD? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedPerMillion = cachedPerMillion ?? inputPerMillion
    }

    public static let free = TokenPrices(inputPerMillion: .zero, outputPerMillion: .zero)

    /// The cost of `usage`, rounded half up to the micro-USD once for the whole call.
    /// Cached tokens are part of the prompt tokens and billed at the cached price instead of the input price.
    public func cost(of usage: TokenUsage) -> MicroUSD {
        let cached = Int64(min(max(usage.cachedTokens, 0), max(usage.promptTokens, 0)))
        let uncached = Int64(max(usage.promptTokens, 0)) - cached
        let completion = Int64(max(usage.completionTokens, 0))
        // Sum in micro-USD × tokens first, divide once: exact until 9.2e18.
        let scaled = uncached * inputPerMillion.value + cached * cachedPerMillion.value + completion * outputPerMillion.value
        return MicroUSD((scaled + 500_000) / 1_000_000)
    }
}

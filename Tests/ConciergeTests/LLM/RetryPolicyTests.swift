import ConciergeCore
@testable import ConciergeLLM
import Testing

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesWithEqualJitterAndCaps() {
        let lowest = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(400), random: { 0 })
        let highest = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(400), random: { 0.999_999 })
        #expect(lowest.delay(beforeRetry: 0, retryAfter: nil) == .milliseconds(50))
        #expect(lowest.delay(beforeRetry: 1, retryAfter: nil) == .milliseconds(100))
        #expect(lowest.delay(beforeRetry: 5, retryAfter: nil) == .milliseconds(200))
        #expect(highest.delay(beforeRetry: 2, retryAfter: nil)! <= .milliseconds(400))
        #expect(highest.delay(beforeRetry: 2, retryAfter: nil)! > .milliseconds(399))
    }

    @Test func retryAfterWinsWhenLongerAndIsRefusedWhenTooLong() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxRetryAfter: .seconds(10), random: { 0 })
        #expect(policy.delay(beforeRetry: 0, retryAfter: .seconds(3)) == .seconds(3))
        #expect(policy.delay(beforeRetry: 0, retryAfter: .milliseconds(1)) == .milliseconds(50))
        #expect(policy.delay(beforeRetry: 0, retryAfter: .seconds(11)) == nil)
    }

    @Test func costIsIntegerMicroUSDRoundedOnce() {
        // 2.50 USD / M input, 10 USD / M output, 1.25 USD / M cached
        let prices = TokenPrices(inputPerMillion: MicroUSD(usd: 2.5), outputPerMillion: MicroUSD(usd: 10), cachedPerMillion: MicroUSD(usd: 1.25))
        let usage = TokenUsage(promptTokens: 1000, completionTokens: 333, cachedTokens: 200)
        // 800 × 2.5 + 200 × 1.25 + 333 × 10 = 2000 + 250 + 3330 = 5580 µUSD
        #expect(prices.cost(of: usage) == MicroUSD(5580))
        #expect(MicroUSD(5580).description == "0.005580")
        // 1 token at 0.15 USD / M is 0.15 µUSD: rounds to 0; 4 tokens round to 1.
        let cheap = TokenPrices(inputPerMillion: MicroUSD(usd: 0.15), outputPerMillion: .zero)
        #expect(cheap.cost(of: TokenUsage(promptTokens: 1, completionTokens: 0)) == .zero)
        #expect(cheap.cost(of: TokenUsage(promptTokens: 4, completionTokens: 0)) == MicroUSD(1))
    }
}

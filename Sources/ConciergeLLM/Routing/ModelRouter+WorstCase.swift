public import ConciergeCore
import Foundation

/// Worst-case cost for budget admission: every prompt byte taken as one token (byte-level tokenisers never make
/// more tokens than bytes), plus `max_tokens` of output, at the dearest deployment of the alias's chain.
extension ModelRouter: CostEstimator {
    public func worstCaseCost(_ request: ChatRequest) -> MicroUSD? {
        guard let maxTokens = request.maxTokens, let chain = try? chain(for: request.model), !chain.isEmpty else { return nil }
        let usage = TokenUsage(promptTokens: Self.promptTokenBound(request), completionTokens: max(maxTokens, 0))
        return chain.map { $0.settings.prices.cost(of: usage) }.max()
    }

    static func promptTokenBound(_ request: ChatRequest) -> Int {
        var bytes = 0
        for message in request.messages {
            bytes += (message.content?.utf8.count ?? 0) + 16
            for call in message.toolCalls { bytes += call.name.utf8.count + call.arguments.utf8.count + 16 }
        }
        for tool in request.tools {
            let schema = (try? JSONEncoder().encode(tool.parameters).count) ?? 65_536
            bytes += tool.name.utf8.count + (tool.description?.utf8.count ?? 0) + schema + 256
        }
        // Tool emulation adds its own instructions to the prompt.
        if !request.tools.isEmpty || request.responseFormat != nil { bytes += 4096 }
        return bytes
    }
}

public import ConciergeCore

extension ModelRouter {
    /// Embeddings through the same chain, retries, breakers and ledger as chat (no cache).
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let chain = try chain(for: request.model).filter { $0.embeddings != nil }
        guard !chain.isEmpty else {
            throw LLMError(.unknownModel, "model '\(request.model)' has no embeddings deployment", status: 404, param: "model", code: "model_not_found")
        }
        let asChat = ChatRequest(model: request.model, messages: request.inputs.map(ChatMessage.user), attribution: request.attribution)
        return try await withFallback(chain) { entry, attempt in
            let start = clock.now()
            do {
                guard let embeddings = entry.embeddings else { throw LLMError(.unknownModel, "no embeddings client") }
                var response = try await embeddings.embed(request)
                let usage = response.usage
                    ?? TokenUsage(promptTokens: UsageEstimator.promptTokens(asChat), completionTokens: 0, estimated: true)
                response.usage = usage
                await record(entry, asChat, operation: "embeddings", attempt: attempt, elapsed: clock.now() - start, ttft: nil, outcome: .success, usage: usage)
                return response
            } catch {
                let failure = Self.classify(error)
                await record(
                    entry, asChat, operation: "embeddings", attempt: attempt, elapsed: clock.now() - start, ttft: nil,
                    outcome: Self.outcome(failure), usage: .zero, errorKind: "\(failure.kind)"
                )
                throw failure
            }
        }
    }
}

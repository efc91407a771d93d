public import AsyncHTTPClient
public import ConciergeCore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// A Chat Completions client for any OpenAI-compatible server (OpenAI, Z.AI, Gemini, Ollama, vLLM, llama.cpp).
public struct OpenAICompatibleChatModel: ChatModel {
    public let deployment: DeploymentSettings
    let transport: ProviderTransport
    let endpoint: ProviderEndpoint
    let streamEndpoint: ProviderEndpoint

    public init(deployment: DeploymentSettings, httpClient: HTTPClient, logger: Logger) {
        self.deployment = deployment
        self.transport = ProviderTransport(httpClient: httpClient, logger: logger)
        var headers = HTTPHeaders()
        if let key = deployment.apiKey, !key.isEmpty { headers.add(name: "Authorization", value: "Bearer \(key)") }
        self.endpoint = ProviderEndpoint(deployment.baseURL + "/chat/completions", headers: headers)
        self.streamEndpoint = endpoint.streaming
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let emulation = ToolEmulation(request: request, deployment: deployment)
        let wireRequest = emulation?.rewrittenRequest ?? request
        let body = ByteBuffer(bytes: OpenAIRequestBody(wireRequest, model: deployment.model, stream: false, includeUsage: false).jsonBytes)
        let answer = try await transport.exchange(endpoint, body: body, timeout: deployment.timeout)
        let response = Self.response(try OpenAIResponseBody.decode(answer.body), headers: answer.headers, fallbackModel: deployment.model)
        if let emulation { return emulation.mapBack(response) }
        return ToolEmulation.recoverToolCall(in: response, tools: request.tools)
    }

    public func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws {
        try await streamBatches(request) { events in
            for event in events { try await onEvent(event) }
        }
    }

    public func streamBatches(_ request: ChatRequest, onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
        if ToolEmulation(request: request, deployment: deployment) != nil {
            // Emulated tool calls need the whole answer before they can be mapped back.
            try await onEvents(ToolEmulation.events(replaying: try await complete(request)))
            return
        }
        let body = ByteBuffer(bytes: OpenAIRequestBody(request, model: deployment.model, stream: true, includeUsage: deployment.streamUsage).jsonBytes)
        let stream = try await transport.stream(streamEndpoint, body: body, timeout: deployment.timeout, stallLimit: deployment.streamStallLimit)
        try await onEvents([.started(id: nil, model: deployment.model, provider: ProviderTransport.providerInfo(stream.headers))])
        try await SSEStreamDriver.run(stream: stream, translator: OpenAIStreamTranslator(), onEvents: onEvents)
    }

    static func response(_ body: OpenAIResponseBody, headers: HTTPHeaders, fallbackModel: String) -> ChatResponse {
        let choice = body.choices.first
        return ChatResponse(
            id: body.id,
            model: body.model ?? fallbackModel,
            content: choice?.message.content,
            toolCalls: choice?.message.toolCalls?.map(\.toolCall) ?? [],
            finishReason: choice?.finishReason.map(FinishReason.init(rawValue:)),
            usage: body.usage?.tokenUsage,
            provider: ProviderTransport.providerInfo(headers)
        )
    }
}

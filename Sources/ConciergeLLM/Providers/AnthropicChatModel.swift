public import AsyncHTTPClient
public import ConciergeCore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// An Anthropic Messages API client; `tool_use` blocks and stream events map onto the shared types.
public struct AnthropicChatModel: ChatModel {
    public static let apiVersion = "2023-06-01"
    public let deployment: DeploymentSettings
    let transport: ProviderTransport
    let endpoint: ProviderEndpoint
    let streamEndpoint: ProviderEndpoint

    public init(deployment: DeploymentSettings, httpClient: HTTPClient, logger: Logger) {
        self.deployment = deployment
        self.transport = ProviderTransport(httpClient: httpClient, logger: logger)
        var headers = HTTPHeaders()
        headers.add(name: "anthropic-version", value: Self.apiVersion)
        if let key = deployment.apiKey, !key.isEmpty { headers.add(name: "x-api-key", value: key) }
        self.endpoint = ProviderEndpoint(deployment.baseURL + "/messages", headers: headers)
        self.streamEndpoint = endpoint.streaming
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let body = try ProviderTransport.encode(AnthropicRequestBody(request, model: deployment.model, stream: false))
        let answer = try await transport.exchange(endpoint, body: body, timeout: deployment.timeout)
        let decoded = try ProviderTransport.decode(AnthropicResponseBody.self, from: answer.body, what: "message")
        let response = Self.response(decoded, answer.headers, fallbackModel: deployment.model)
        return AnthropicStructuredOutput(request).map { $0.mapBack(response) } ?? response
    }

    public func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws {
        try await streamBatches(request) { events in
            for event in events { try await onEvent(event) }
        }
    }

    public func streamBatches(_ request: ChatRequest, onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
        let body = try ProviderTransport.encode(AnthropicRequestBody(request, model: deployment.model, stream: true))
        let stream = try await transport.stream(streamEndpoint, body: body, timeout: deployment.timeout, stallLimit: deployment.streamStallLimit)
        try await onEvents([.started(id: nil, model: deployment.model, provider: ProviderTransport.providerInfo(stream.headers))])
        try await SSEStreamDriver.run(
            stream: stream, translator: AnthropicStreamTranslator(structuredToolName: AnthropicStructuredOutput(request)?.toolName), onEvents: onEvents
        )
    }

    static func response(_ body: AnthropicResponseBody, _ headers: HTTPHeaders, fallbackModel: String) -> ChatResponse {
        let text = body.content.filter { $0.type == "text" }.compactMap(\.text).joined()
        let calls = body.content.filter { $0.type == "tool_use" }.map {
            ToolCall(id: $0.id ?? ToolEmulation.newCallID(), name: $0.name ?? "", arguments: ToolEmulation.text($0.input ?? .object([:])))
        }
        return ChatResponse(
            id: body.id,
            model: body.model ?? fallbackModel,
            content: text.isEmpty && !calls.isEmpty ? nil : text,
            toolCalls: calls,
            finishReason: AnthropicRequestBody.finishReason(body.stopReason),
            usage: body.usage?.tokenUsage,
            provider: ProviderTransport.providerInfo(headers)
        )
    }
}

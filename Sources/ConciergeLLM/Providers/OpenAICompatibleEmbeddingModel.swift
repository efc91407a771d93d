public import AsyncHTTPClient
public import ConciergeCore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// `POST {base}/embeddings` on an OpenAI-compatible server.
public struct OpenAICompatibleEmbeddingModel: EmbeddingModel {
    struct Body: Encodable {
        let model: String
        let input: [String]
        let dimensions: Int?
        let user: String?
        let encodingFormat = "float"
        enum CodingKeys: String, CodingKey {
            case model, input, dimensions, user
            case encodingFormat = "encoding_format"
        }
    }

    struct Answer: Decodable {
        struct Item: Decodable {
            let index: Int?
            let embedding: [Float]
        }

        let data: [Item]
        let model: String?
        let usage: OpenAIUsage?
    }

    public let deployment: DeploymentSettings
    let transport: ProviderTransport
    let endpoint: ProviderEndpoint

    public init(deployment: DeploymentSettings, httpClient: HTTPClient, logger: Logger) {
        self.deployment = deployment
        self.transport = ProviderTransport(httpClient: httpClient, logger: logger)
        var headers = HTTPHeaders()
        if let key = deployment.apiKey, !key.isEmpty { headers.add(name: "Authorization", value: "Bearer \(key)") }
        self.endpoint = ProviderEndpoint(deployment.baseURL + "/embeddings", headers: headers)
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let body = try ProviderTransport.encode(Body(model: deployment.model, input: request.inputs, dimensions: request.dimensions, user: request.user))
        let reply = try await transport.exchange(endpoint, body: body, timeout: deployment.timeout)
        let answer = try ProviderTransport.decode(Answer.self, from: reply.body, what: "embeddings")
        let ordered = answer.data.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }
        guard ordered.count == request.inputs.count else {
            throw LLMError(.malformedResponse, "provider returned \(ordered.count) embeddings for \(request.inputs.count) inputs")
        }
        return EmbeddingResponse(model: answer.model ?? deployment.model, vectors: ordered.map(\.element.embedding), usage: answer.usage?.tokenUsage)
    }
}

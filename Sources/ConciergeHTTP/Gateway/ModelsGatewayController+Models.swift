import ConciergeCore
import Foundation
import Hummingbird

extension ModelsGatewayController {
    struct ModelList: Encodable {
        struct Model: Encodable {
            let id: String
            let object = "model"
            let created = 0
            let ownedBy: String
            /// Concierge's addition: `alias` or `deployment`, and what is behind it.
            let kind: String
            let detail: [String]

            enum CodingKeys: String, CodingKey {
                case id, object, created, kind, detail
                case ownedBy = "owned_by"
            }
        }

        let object = "list"
        let data: [Model]
    }

    func models() -> Response {
        let listings = catalog.modelListings
        return Self.json(ModelList(data: listings.map {
            .init(id: $0.id, ownedBy: "concierge", kind: $0.kind.rawValue, detail: $0.detail)
        }))
    }

    struct EmbeddingsBody: Decodable {
        let model: String
        let input: JSONValue
        let dimensions: Int?
        let user: String?
    }

    struct EmbeddingsAnswer: Encodable {
        struct Item: Encodable {
            let object = "embedding"
            let index: Int
            let embedding: [Float]
        }

        struct Usage: Encodable {
            let promptTokens: Int
            let totalTokens: Int
            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case totalTokens = "total_tokens"
            }
        }

        let object = "list"
        let data: [Item]
        let model: String
        let usage: Usage
    }

    func embed(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.decode(EmbeddingsBody.self, from: request, context: context)
        let inputs: [String]
        switch body.input {
        case .string(let text): inputs = [text]
        case .array(let items) where !items.isEmpty && items.allSatisfy({ $0.stringValue != nil }): inputs = items.compactMap(\.stringValue)
        default: throw GatewayError.invalid("input must be a string or a non-empty array of strings.", param: "input")
        }
        guard catalog.lists(body.model) else {
            throw LLMError(.unknownModel, "The model '\(body.model)' does not exist.")
        }
        // Embeddings spend money too: the same worst-case reservation as a chat call whose prompt is the inputs and
        // which writes nothing back, and the ledger row carries the caller so its real cost counts against the budget.
        let callerID = context.principal?.id
        let worstCase = ChatRequest(model: body.model, messages: inputs.map { .user($0) }, maxTokens: 0)
        let reservation = try await budget?.admit(worstCase, callerID: callerID ?? "local", limits: context.principal?.limits ?? KeyLimits())
        let response: EmbeddingResponse
        do {
            response = try await embeddings.embed(
                EmbeddingRequest(model: body.model, inputs: inputs, dimensions: body.dimensions, user: body.user,
                                 attribution: CallAttribution(requestID: context.requestID, callerID: callerID, operation: "embeddings"))
            )
        } catch {
            await budget?.settle(reservation)
            throw error
        }
        await budget?.settle(reservation)
        let prompt = response.usage?.promptTokens ?? 0
        return Self.json(EmbeddingsAnswer(
            data: response.vectors.enumerated().map { .init(index: $0.offset, embedding: $0.element) },
            model: response.model,
            usage: .init(promptTokens: prompt, totalTokens: prompt)
        ))
    }
}

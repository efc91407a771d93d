import ConciergeCore

/// A complete Chat Completions response.
struct OpenAIResponseBody: Decodable, Equatable {
    struct Choice: Decodable, Equatable {
        struct Message: Decodable, Equatable {
            let content: String?
            let toolCalls: [OpenAIToolCall]?
            enum CodingKeys: String, CodingKey {
                case content
                case toolCalls = "tool_calls"
            }
        }

        let message: Message
        let finishReason: String?
        enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }

    let id: String?
    let model: String?
    let choices: [Choice]
    let usage: OpenAIUsage?
}

/// One chunk of a streamed response.
struct OpenAIChunk: Decodable, Equatable {
    struct Choice: Decodable, Equatable {
        struct Delta: Decodable, Equatable {
            struct ToolCallDelta: Decodable, Equatable {
                struct Function: Decodable, Equatable {
                    let name: String?
                    let arguments: String?
                }

                let index: Int?
                let id: String?
                let function: Function?
            }

            let content: String?
            let toolCalls: [ToolCallDelta]?
            enum CodingKeys: String, CodingKey {
                case content
                case toolCalls = "tool_calls"
            }
        }

        let delta: Delta?
        let finishReason: String?
        enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    let id: String?
    let model: String?
    /// The first of `choices`, the only one a stream of one answer (n = 1) has; the others are checked, not kept
    /// (no array per chunk).
    let choice: Choice?
    let usage: OpenAIUsage?
    let error: OpenAIErrorBody.Detail?

    init(id: String?, model: String?, choice: Choice?, usage: OpenAIUsage?, error: OpenAIErrorBody.Detail?) {
        self.id = id
        self.model = model
        self.choice = choice
        self.usage = usage
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case id, model, choices, usage, error
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decodeIfPresent(String.self, forKey: .id)
        self.model = try container.decodeIfPresent(String.self, forKey: .model)
        self.choice = try container.decodeIfPresent([Choice].self, forKey: .choices)?.first
        self.usage = try container.decodeIfPresent(OpenAIUsage.self, forKey: .usage)
        self.error = try container.decodeIfPresent(OpenAIErrorBody.Detail.self, forKey: .error)
    }
}

struct OpenAIUsage: Decodable, Equatable {
    struct PromptDetails: Decodable, Equatable {
        let cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    let promptTokens: Int?
    let completionTokens: Int?
    let promptTokensDetails: PromptDetails?

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    var tokenUsage: TokenUsage {
        TokenUsage(
            promptTokens: promptTokens ?? 0,
            completionTokens: completionTokens ?? 0,
            cachedTokens: promptTokensDetails?.cachedTokens ?? 0
        )
    }
}

/// `{"error": {"message", "type", "param", "code"}}`; `code` is a string at OpenAI and a number elsewhere.
struct OpenAIErrorBody: Decodable, Equatable {
    struct Detail: Decodable, Equatable {
        let message: String?
        let type: String?
        let param: String?
        let code: JSONValue?

        var codeText: String? {
            switch code {
            case .string(let text): text
            case .number(let number): String(Int(number))
            default: nil
            }
        }
    }

    let error: Detail
}

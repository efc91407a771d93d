import ConciergeCore
import NIOCore

// The answer shapes read from a parsed document instead of through `JSONDecoder` (a profile of the gateway put
// Foundation's decoder at 2.4 % of its CPU for the answer alone). The `Decodable` conformances stay the
// reference: a test decodes representative bodies both ways and compares.

extension OpenAIResponseBody {
    init(json: JSONFields) throws(JSONShapeError) {
        self.id = try json.optionalString("id")
        self.model = try json.optionalString("model")
        self.choices = try json.objects("choices") { choice throws(JSONShapeError) in
            let message = try choice.fields("message")
            return Choice(
                message: .init(content: try message.optionalString("content"), toolCalls: try message.optionalObjects("tool_calls", OpenAIToolCall.init(json:))),
                finishReason: try choice.optionalString("finish_reason")
            )
        }
        self.usage = try json.optionalFields("usage").map(OpenAIUsage.init(json:))
    }
}

extension OpenAIChunk {
    init(json: JSONFields) throws(JSONShapeError) {
        self.id = try json.optionalString("id")
        self.model = try json.optionalString("model")
        self.choice = try json.optionalObjects("choices") { choice throws(JSONShapeError) in
            Choice(delta: try choice.optionalFields("delta").map(Choice.Delta.init(json:)), finishReason: try choice.optionalString("finish_reason"))
        }?.first
        self.usage = try json.optionalFields("usage").map(OpenAIUsage.init(json:))
        self.error = try json.optionalFields("error").map(OpenAIErrorBody.Detail.init(json:))
    }
}

extension OpenAIChunk.Choice.Delta {
    init(json: JSONFields) throws(JSONShapeError) {
        self.content = try json.optionalString("content")
        self.toolCalls = try json.optionalObjects("tool_calls") { call throws(JSONShapeError) in
            ToolCallDelta(
                index: try call.optionalInt("index"),
                id: try call.optionalString("id"),
                function: try call.optionalFields("function").map { function throws(JSONShapeError) in
                    ToolCallDelta.Function(name: try function.optionalString("name"), arguments: try function.optionalString("arguments"))
                }
            )
        }
    }
}

extension OpenAIToolCall {
    init(json: JSONFields) throws(JSONShapeError) {
        let function = try json.fields("function")
        self.id = try json.string("id")
        self.type = try json.optionalString("type")
        self.function = Function(name: try function.string("name"), arguments: try function.string("arguments"))
    }
}

extension OpenAIUsage {
    init(json: JSONFields) throws(JSONShapeError) {
        self.promptTokens = try json.optionalInt("prompt_tokens")
        self.completionTokens = try json.optionalInt("completion_tokens")
        self.promptTokensDetails = try json.optionalFields("prompt_tokens_details").map { details throws(JSONShapeError) in
            PromptDetails(cachedTokens: try details.optionalInt("cached_tokens"))
        }
    }
}

extension OpenAIErrorBody.Detail {
    init(json: JSONFields) throws(JSONShapeError) {
        self.message = try json.optionalString("message")
        self.type = try json.optionalString("type")
        self.param = try json.optionalString("param")
        self.code = json.value("code")
    }
}

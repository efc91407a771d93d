import ConciergeCore
@testable import ConciergeLLM
import Foundation
import Testing

/// The hand-written Chat Completions request is the document `JSONEncoder` writes for the same body.
@Suite struct OpenAIRequestWritingTests {
    static let awkward = "q\"uote \\ back/slash\n\r\t\u{08}\u{0C}\u{01}\u{1F} ünï ✓ 🙂 </script>"

    static let schema: JSONValue = [
        "type": "object", "properties": ["city": ["type": "string", "description": "a city, e.g. \"Paris\""], "days": ["type": "integer", "minimum": 1]],
        "required": ["city"], "additionalProperties": false,
    ]

    static let requests: [ChatRequest] = [
        ChatRequest(messages: [.user("hi")]),
        ChatRequest(
            messages: [
                .system(awkward), .user("Wetter in Köln? 🙂"),
                .assistant(nil, toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"K\u00f6ln"}"#)]),
                .tool(callID: "call_1", #"{"temp": 21.5, "sky": "clear"}"#),
                ChatMessage(role: .user, content: "named", name: "alice"),
            ],
            tools: [
                ToolDefinition(name: "get_weather", description: "Forecast \"now\"", parameters: schema, strict: true),
                ToolDefinition(name: "bare", parameters: ["type": "object"]),
            ],
            toolChoice: .function("get_weather"), temperature: 0.7, topP: 1, maxTokens: 256, stop: ["\n\n", "END"], user: "user-42"
        ),
        ChatRequest(messages: [.user("x")], toolChoice: .required, responseFormat: .jsonSchema(name: "answer", schema: schema, strict: true), temperature: 0),
        ChatRequest(messages: [.user("x")], toolChoice: ToolChoice.none, responseFormat: .jsonSchema(name: "a", schema: [:], strict: nil)),
        ChatRequest(messages: [.user("x")], toolChoice: .auto, responseFormat: .jsonObject, temperature: 1e-7, topP: 0.95),
        ChatRequest(messages: [.assistant("")], responseFormat: .text, stop: ["only"]),
    ]

    static func encoded(_ body: OpenAIRequestBody) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return try #require(JSONValue(jsonText: String(decoding: data, as: UTF8.self)))
    }

    @Test func requestsAreWhatTheEncoderWrites() throws {
        for request in Self.requests {
            for (stream, includeUsage) in [(false, false), (true, true), (true, false)] {
                let body = OpenAIRequestBody(request, model: "gpt-\(Self.awkward)", stream: stream, includeUsage: includeUsage)
                let written = String(decoding: body.jsonBytes, as: UTF8.self)
                #expect(JSONValue(jsonText: written) == (try Self.encoded(body)), "\(written)")
            }
        }
    }

    @Test func streamedRequestsAskForUsage() throws {
        let body = OpenAIRequestBody(Self.requests[0], model: "m", stream: true, includeUsage: true)
        let written = try #require(JSONValue(jsonText: String(decoding: body.jsonBytes, as: UTF8.self)))
        #expect(written["stream"] == true)
        #expect(written["stream_options"] == ["include_usage": true])
        #expect(written["messages"] == [["role": "user", "content": "hi"]])
    }
}

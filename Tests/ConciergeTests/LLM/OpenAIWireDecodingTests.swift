import ConciergeCore
@testable import ConciergeLLM
import Foundation
import NIOCore
import Testing

/// The hand-written readers of the Chat Completions answer give what `JSONDecoder` gives, and fail where it fails.
@Suite struct OpenAIWireDecodingTests {
    static let completions: [String] = [
        // OpenAI, documented example with cached tokens.
        #"{"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I assist you today?","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"#,
        // OpenAI, tool calls with content null and arguments that need escapes.
        #"{"id":"chatcmpl-abc","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\": \"Boston, MA\"}"}},{"id":"call_2","type":"function","function":{"name":"b","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}}"#,
        // llama.cpp server: timings, no prompt details, unicode escapes and a surrogate pair.
        #"{"choices":[{"finish_reason":"length","index":0,"message":{"role":"assistant","content":"Caf\u00e9 \ud83d\ude00 \"q\" \\ \n\t end"}}],"created":1732000000,"model":"SmolLM2-135M-Instruct","system_fingerprint":"b4000","object":"chat.completion","usage":{"completion_tokens":8,"prompt_tokens":31,"total_tokens":39},"id":"chatcmpl-xyz","timings":{"prompt_n":31,"prompt_ms":12.5,"predicted_per_second":160.2}}"#,
        // Gemini's OpenAI-compatible endpoint: no id, tool call without a type, whitespace everywhere.
        "{\n  \"choices\": [ {\n    \"finish_reason\": \"stop\", \"index\": 0,\n    \"message\": { \"content\": \"Ünïcödé ✓\", \"role\": \"assistant\",\n      \"tool_calls\": [ { \"function\": { \"arguments\": \"{\\\"q\\\":1}\", \"name\": \"search\" }, \"id\": \"0\" } ] }\n  } ],\n  \"created\": 1740000000, \"model\": \"gemini-2.0-flash\", \"object\": \"chat.completion\",\n  \"usage\": { \"completion_tokens\": 5, \"prompt_tokens\": 7, \"total_tokens\": 12 }\n}",
        // Nulls everywhere optional, and no usage at all; integral numbers written as decimals.
        #"{"id":null,"model":null,"choices":[{"message":{"content":null,"tool_calls":null},"finish_reason":null}],"usage":{"prompt_tokens":3.0,"completion_tokens":null,"prompt_tokens_details":null}}"#,
        #"{"choices":[]}"#,
        #"{"choices":[{"message":{}}],"usage":{"prompt_tokens_details":{"cached_tokens":null}}}"#,
    ]

    /// Bodies `JSONDecoder` refuses; the hand-written reader must refuse them too.
    static let malformed: [String] = [
        #"{"choices": [ {"message": "#, "", "[]", "null", #"{"choices": null}"#, #"{"id": 1, "choices": []}"#,
        #"{"choices": [{"message": "hi"}]}"#, #"{"choices": [{}]}"#, #"{"choices": [{"message": {"content": 5}}]}"#,
        #"{"choices": [{"message": {"tool_calls": [{"id": "c", "function": {"name": "f"}}]}}]}"#,
        #"{"choices": [{"message": {"tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}}]}"#,
        #"{"choices": [], "usage": {"prompt_tokens": 1.5}}"#, #"{"choices": [], "usage": {"prompt_tokens": "3"}}"#,
        #"{"choices": []} trailing"#, #"{"id": "\ud800", "choices": []}"#,
    ]

    static let chunks: [String] = [
        #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        #"{"id":"c1","choices":[{"index":0,"delta":{"content":"Caf\u00e9 \ud83d\ude00"},"logprobs":null,"finish_reason":null}]}"#,
        #"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
        #"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\":"}}]}}]}"#,
        #"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        #"{"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":2}}}"#,
        #"{"choices":[{"delta":null,"finish_reason":"stop"}],"usage":null}"#,
        #"{"error":{"message":"overloaded","type":"server_error","param":null,"code":529}}"#,
        #"{"error":{"message":"bad","code":"rate_limit_exceeded"}}"#,
        #"{}"#,
        // Two choices (n = 2 upstream): the first is kept.
        #"{"choices":[{"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"},"finish_reason":"stop"}]}"#,
    ]

    static let malformedChunks: [String] = [
        #"{"choices": 3}"#, #"{"choices": [{"delta": {"tool_calls": [{"index": "0"}]}}]}"#, #"{"error": "x"}"#,
        #"{"choices": [{"delta": {"content": ["a"]}}]}"#, "[]", #"{"id": "c1""#,
        // Shapes and syntax the cursor reads itself: each refused, as the parser and `JSONFields` refuse them.
        #"{"choices": [null]}"#, #"{"usage": "9"}"#, #"{"usage": {"prompt_tokens": 1.5}}"#, #"{"id": 7}"#,
        #"{"id": "c1"} x"#, "null", #"{"id": nul}"#,
        #"{"choices": [{"delta": {"tool_calls": [{"function": 3}]}}]}"#,
        // A later choice is checked like the first, though not kept.
        #"{"choices": [{"delta": {"content": "a"}}, {"delta": {"content": 5}}]}"#,
    ]

    /// What `JSONDecoder` tolerates and the strict parser (and so the cursor) refuses: trailing commas, and an invalid
    /// escape in a field nobody reads.
    static let strictOnlyChunks: [String] = [
        #"{"id": "c1",}"#, #"{"logprobs": {"a": [1, ]}}"#, #"{"choices": [{"delta": {}},]}"#, #"{"x": "\q"}"#,
    ]

    static func viaDecoder<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// The cursor alone, without the fallback to the parser: nil when it refuses.
    static func viaCursor(_ text: String) -> OpenAIResponseBody? {
        var text = text
        return text.withUTF8 { bytes in try? JSONCursor.read(utf8: UnsafeRawBufferPointer(bytes)) { try OpenAIResponseBody(cursor: &$0) } }
    }

    @Test func completionsDecodeAsTheDecoderDoes() throws {
        for body in Self.completions {
            let expected = try #require(Self.viaDecoder(OpenAIResponseBody.self, body), "JSONDecoder refused \(body)")
            #expect(try OpenAIResponseBody.decode(ByteBuffer(string: body)) == expected, "\(body)")
            #expect(Self.viaCursor(body) == expected, "the cursor read \(body) differently or refused it")
            let parsed = try #require(JSONValue(jsonText: body))
            #expect(try OpenAIResponseBody(json: JSONFields(parsed)) == expected, "\(body)")
        }
        let cached = try OpenAIResponseBody.decode(ByteBuffer(string: Self.completions[0]))
        #expect(cached.usage?.tokenUsage == TokenUsage(promptTokens: 19, completionTokens: 10, cachedTokens: 4))
        let calls = try OpenAIResponseBody.decode(ByteBuffer(string: Self.completions[1])).choices[0].message.toolCalls
        #expect(calls?.first?.function.arguments == #"{"location": "Boston, MA"}"#)
        #expect(try OpenAIResponseBody.decode(ByteBuffer(string: Self.completions[2])).choices[0].message.content == "Café 😀 \"q\" \\ \n\t end")
    }

    @Test func malformedCompletionsFailAsTheDecoderDoes() {
        for body in Self.malformed {
            #expect(Self.viaDecoder(OpenAIResponseBody.self, body) == nil, "JSONDecoder accepted \(body)")
            #expect(throws: LLMError.self, "\(body)") { try OpenAIResponseBody.decode(ByteBuffer(string: body)) }
            #expect(Self.viaCursor(body) == nil, "the cursor accepted \(body)")
        }
        let invalidUTF8 = ByteBuffer(bytes: Array(#"{"choices":[],"id":""#.utf8) + [0xFF, 0x22, 0x7D])
        #expect(throws: LLMError.self) { try OpenAIResponseBody.decode(invalidUTF8) }
    }

    /// The one known difference: `JSONDecoder` tolerates a trailing comma in an object, the strict parser (RFC 8259) does not.
    @Test func trailingCommasAreRefused() {
        #expect(Self.viaDecoder(OpenAIResponseBody.self, #"{"choices": [],}"#) != nil)
        #expect(throws: LLMError.self) { try OpenAIResponseBody.decode(ByteBuffer(string: #"{"choices": [],}"#)) }
    }

    @Test func malformedCompletionsNameTheField() throws {
        do {
            _ = try OpenAIResponseBody.decode(ByteBuffer(string: #"{"choices": [{"message": {"content": 5}}]}"#))
            Issue.record("expected an error")
        } catch let error as LLMError {
            #expect(error.kind == .malformedResponse)
            #expect(error.message.contains("choices[0].message.content"))
        }
    }

    @Test func streamChunksDecodeAsTheDecoderDoes() throws {
        for body in Self.chunks {
            let expected = try #require(Self.viaDecoder(OpenAIChunk.self, body), "JSONDecoder refused \(body)")
            let value = try #require(JSONValue(jsonText: body))
            #expect(try OpenAIChunk(json: JSONFields(value)) == expected, "\(body)")
            #expect(try OpenAIChunk(jsonText: body) == expected, "\(body)")
            var text = body
            #expect(try text.withUTF8 { try OpenAIChunk(utf8: UnsafeRawBufferPointer($0)) } == expected, "\(body)")
        }
        for body in Self.malformedChunks {
            #expect(Self.viaDecoder(OpenAIChunk.self, body) == nil, "JSONDecoder accepted \(body)")
            #expect((try? JSONValue(jsonText: body).map { try OpenAIChunk(json: JSONFields($0)) }) == nil, "fields accepted \(body)")
            var translator = OpenAIStreamTranslator()
            #expect(throws: LLMError.self, "\(body)") {
                var events: [ChatStreamEvent] = []
                try translator.translate(text: body, into: &events)
            }
        }
        for body in Self.strictOnlyChunks {
            #expect(JSONValue(jsonText: body) == nil, "parser accepted \(body)")
            var translator = OpenAIStreamTranslator()
            #expect(throws: LLMError.self, "\(body)") {
                var events: [ChatStreamEvent] = []
                try translator.translate(text: body, into: &events)
            }
        }
    }

    /// A chunk whose bytes are not valid UTF-8 reads as its text did: the invalid bytes replaced.
    @Test func aChunkWithInvalidUTF8ReadsAsItsText() throws {
        let bytes = Array(#"{"choices":[{"delta":{"content":"a"#.utf8) + [0xFF] + Array(#"b"}}]}"#.utf8)
        let chunk = try bytes.withUnsafeBytes { try OpenAIChunk(utf8: $0) }
        #expect(chunk.choice?.delta?.content == "a\u{FFFD}b")
        #expect(chunk == (try OpenAIChunk(jsonText: String(decoding: bytes, as: UTF8.self))))
    }
}

extension StreamTranslator {
    /// Translates one event whose data is `text`.
    mutating func translate(text: String, event: String? = nil, into events: inout [ChatStreamEvent]) throws {
        var text = text
        try text.withUTF8 { try translate(SSEEventView(event: event, id: nil, data: UnsafeRawBufferPointer($0)), into: &events) }
    }
}

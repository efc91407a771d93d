import ConciergeCore
import ConciergeHTTP
import ConciergeLLM
import ConciergeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

@Suite struct GatewayTests {
    static func app(_ harness: RouterHarness) -> some ApplicationProtocol {
        let dependencies = HTTPDependencies(maxBodyBytes: 1 << 20, healthChecks: [LLMHealthCheck(router: harness.router)], registry: harness.registry)
        let gateway = ModelsGatewayController(chat: harness.router, embeddings: harness.router, catalog: harness.router)
        return Application(router: buildRouter(dependencies) { gateway.register(on: $0) })
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func completionHasOpenAIShape() async throws {
        let harness = try RouterHarness(["a": [.respond(.text("Hello there", prompt: 12, completion: 3))]])
        try await Self.app(harness).test(.router) { client in
            let body = #"{"model":"default","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let object = try Self.object(response.body)
                #expect(object["object"] as? String == "chat.completion")
                let choice = try #require((object["choices"] as? [[String: Any]])?.first)
                #expect((choice["message"] as? [String: Any])?["content"] as? String == "Hello there")
                #expect(choice["finish_reason"] as? String == "stop")
                #expect((object["usage"] as? [String: Any])?["total_tokens"] as? Int == 15)
            }
        }
        #expect(harness.ledger.all.first?.requestID?.isEmpty == false)
    }

    @Test func streamIsServerSentEventsEndingInDone() async throws {
        let harness = try RouterHarness(["a": [.stream([
            .started(id: nil, model: "m", provider: nil), .content("Hel"), .content("lo"),
            .toolCall(index: 0, id: "call_1", name: "f", arguments: "{}"), .finished(.toolCalls),
            .usage(TokenUsage(promptTokens: 5, completionTokens: 2)),
        ])]])
        try await Self.app(harness).test(.router) { client in
            let body = #"{"model":"default","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                let text = String(buffer: response.body)
                let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                #expect(events.last == "data: [DONE]")
                #expect(events.first?.contains(#""role":"assistant""#) == true)
                #expect(text.contains(#""content":"Hel""#))
                #expect(text.contains(#""tool_calls":[{"#))
                #expect(text.contains(#""finish_reason":"tool_calls""#))
                #expect(text.contains(#""total_tokens":7"#))
            }
        }
    }

    @Test func failureBeforeTheFirstTokenIsAnHTTPErrorInOpenAIShape() async throws {
        // The head waits for the first token, so a stream that never starts (after every fallback) is answered
        // as a plain call would be: a status OpenAI's clients raise, not a 200 with an error inside.
        let harness = try RouterHarness(["a": [.fail(LLMError(.server, "x", status: 500))]], maxRetries: 0)
        try await Self.app(harness).test(.router) { client in
            let body = #"{"model":"default","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badGateway)
                #expect(response.headers[.contentType] == "application/json")
                let error = try #require(try Self.object(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == "upstream_error")
            }
        }
        #expect(harness.ledger.all.map(\.outcome) == [.error])
    }

    @Test func failureAfterTheFirstTokenEndsTheStreamWithAnErrorEventNotDone() async throws {
        let cut = LLMError(.streamInterrupted, "cut off")
        let started = ChatStreamEvent.started(id: nil, model: "m", provider: nil)
        let harness = try RouterHarness(["a": [.streamThenFail([started, .content("par")], cut)]], maxRetries: 0)
        try await Self.app(harness).test(.router) { client in
            let body = #"{"model":"default","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
                #expect(events.first?.contains(#""role":"assistant""#) == true)
                #expect(events.dropLast().last?.contains(#""content":"par""#) == true)
                #expect(events.last?.hasPrefix(#"data: {"error":{"#) == true)
                #expect(!events.contains("data: [DONE]"))
            }
        }
    }

    /// A model that hands over a whole stream as one batch, as a provider whose answer arrived in one read does.
    struct OneBatchModel: ChatModel {
        let events: [ChatStreamEvent]
        func complete(_ request: ChatRequest) async throws -> ChatResponse { throw LLMError(.request, "streams only") }
        func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws {
            for event in events { try await onEvent(event) }
        }
        func streamBatches(_ request: ChatRequest, onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
            try await onEvents(events)
        }
    }

    @Test func aStreamFinishedInItsFirstBatchIsSentWholeWithTheSameBytes() async throws {
        let events: [ChatStreamEvent] = [
            .started(id: nil, model: "m", provider: nil), .content("Hel"), .content("lo"), .finished(.stop),
            .usage(TokenUsage(promptTokens: 5, completionTokens: 2)),
        ]
        let harness = try RouterHarness(["a": [.stream(events)]])  // one event per batch
        let body = #"{"model":"default","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"#
        func answer(_ chat: any ChatModel) async throws -> (text: String, length: String?) {
            let gateway = ModelsGatewayController(chat: chat, embeddings: harness.router, catalog: harness.router)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 20, healthChecks: [], registry: harness.registry)
            let app = Application(router: buildRouter(dependencies) { gateway.register(on: $0) }, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            return try await app.test(.live) { client in
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/event-stream")
                    return (String(buffer: response.body), response.headers[.contentLength])
                }
            }
        }
        let streamed = try await answer(harness.router)
        let whole = try await answer(OneBatchModel(events: events))
        // The same events, byte for byte but for the chunks' id (the request's) and time; sent whole (with a length)
        // only when the stream was over by its first batch.
        let unidentified = { (text: String) in
            text.replacing(#/chatcmpl-[0-9a-f]+/#, with: "chatcmpl-ID").replacing(#/"created":[0-9]+/#, with: #""created":0"#)
        }
        #expect(unidentified(whole.text) == unidentified(streamed.text))
        #expect(whole.text.hasSuffix("data: [DONE]\n\n") && whole.text.contains(#""content":"lo""#))
        #expect(whole.length == String(whole.text.utf8.count))
        #expect(streamed.length == nil)
    }

    @Test func errorsUseOpenAIShapeAndStatus() async throws {
        let invalid = LLMError(.request, "Invalid schema for response_format", status: 400, providerType: "invalid_request_error", param: "response_format")
        let harness = try RouterHarness(["a": [.fail(invalid)]])
        try await Self.app(harness).test(.router) { client in
            let request = #"{"model":"default","messages":[{"role":"user","content":"Hi"}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: request)) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try Self.object(response.body)["error"] as? [String: Any])
                #expect(error["message"] as? String == "Invalid schema for response_format")
                #expect(error["param"] as? String == "response_format")
                #expect(error["type"] as? String == "invalid_request_error")
                #expect(error.keys.contains("code"))
            }
            let unknown = #"{"model":"gpt-9","messages":[{"role":"user","content":"Hi"}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: unknown)) { response in
                #expect(response.status == .notFound)
                let error = try Self.object(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "model_not_found")
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: "{nope")) { response in
                #expect(response.status == .badRequest)
                let error = try Self.object(response.body)["error"] as? [String: Any]
                #expect(error?["type"] as? String == "invalid_request_error")
            }
        }
    }

    @Test func rateLimitedEverywhereIs429WithRetryAfter() async throws {
        let limited = LLMError(.rateLimited, "slow", status: 429, retryAfter: .seconds(90))
        let harness = try RouterHarness(["a": [.fail(limited)]])
        try await Self.app(harness).test(.router) { client in
            let request = #"{"model":"default","messages":[{"role":"user","content":"Hi"}]}"#
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: request)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "90")
            }
        }
    }

    @Test func modelsListsAliasesAndDeployments() async throws {
        let harness = try RouterHarness(["a": [], "b": []], aliases: ["default": ["a", "b"], "fast": ["b"]])
        try await Self.app(harness).test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                let data = try #require(try Self.object(response.body)["data"] as? [[String: Any]])
                #expect(data.compactMap { $0["id"] as? String } == ["default", "fast", "a", "b"])
                #expect(data.allSatisfy { $0["object"] as? String == "model" })
            }
        }
    }

    @Test func embeddingsHaveOpenAIShape() async throws {
        let harness = try RouterHarness(["a": [.embed(EmbeddingResponse(model: "e", vectors: [[1, 2], [3, 4]], usage: TokenUsage(promptTokens: 4, completionTokens: 0)))]])
        try await Self.app(harness).test(.router) { client in
            let body = #"{"model":"default","input":["a","b"]}"#
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                let data = try #require(try Self.object(response.body)["data"] as? [[String: Any]])
                #expect(data.count == 2)
                #expect(data[1]["index"] as? Int == 1)
            }
        }
        #expect(harness.ledger.all.first?.operation == "embeddings")
    }

    @Test func noCacheHeaderBypassesTheCache() async throws {
        let harness = try RouterHarness(["a": [.respond(.text("one")), .respond(.text("two"))]], cache: true)
        try await Self.app(harness).test(.router) { client in
            let body = #"{"model":"default","temperature":0,"messages":[{"role":"user","content":"Hi"}]}"#
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { _ in }
            }
            var headers = Self.json
            headers[.cacheControl] = "no-cache"
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(String(buffer: response.body).contains("two"))
            }
        }
        #expect(harness.ledger.all.map(\.outcome) == [.success, .cacheHit, .success])
    }
}

import AsyncHTTPClient
import ConciergeCore
@testable import ConciergeLLM
import Logging
import Testing

@Suite struct AnthropicClientTests {
    static func model(_ base: String) -> AnthropicChatModel {
        AnthropicChatModel(
            deployment: DeploymentSettings(name: "claude", kind: .anthropic, baseURL: base, apiKey: "sk-ant", model: "claude-test"),
            httpClient: TestHTTPClient.shared, logger: OpenAIClientTests.logger
        )
    }

    static let toolRequest: ChatRequest = {
        var request = ChatRequest(messages: [
            .system("Be brief."), .user("Weather?"),
            .assistant(nil, toolCalls: [ToolCall(id: "toolu_1", name: "get_weather", arguments: #"{"location":"Paris"}"#)]),
            .tool(callID: "toolu_1", "sunny"),
        ])
        request.tools = [ToolDefinition(name: "get_weather", description: "Weather", parameters: .object(["type": .string("object")]))]
        request.toolChoice = .required
        return request
    }()

    @Test func completeMapsTextAndToolUseBlocks() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let response = try await Self.model(base + "/anthropic").complete(Self.toolRequest)
            #expect(response.content == "I'll check the weather in San Francisco.")
            #expect(response.toolCalls.first?.name == "get_weather")
            #expect(response.toolCalls.first?.arguments == #"{"location":"San Francisco, CA","unit":"celsius"}"#)
            #expect(response.finishReason == .toolCalls)
            // 472 input + 100 cache reads
            #expect(response.usage == TokenUsage(promptTokens: 572, completionTokens: 91, cachedTokens: 100))
        }
        let sent = try #require(fixture.receivedBodies.first)
        #expect(sent.contains(#""system":"Be brief.""#))
        #expect(sent.contains(#""type":"tool_result""#) && sent.contains(#""tool_use_id":"toolu_1""#))
        #expect(sent.contains(#""tool_choice":{"type":"any"}"#))
        #expect(sent.contains(#""input_schema""#))
    }

    @Test func streamMapsEventsOntoTheSharedTypes() async throws {
        try await ProviderFixture().withServer { base in
            var accumulator = ChatStreamAccumulator()
            for event in try await OpenAIClientTests.collect(Self.model(base + "/anthropic"), Self.toolRequest) { accumulator.add(event) }
            let response = accumulator.response
            #expect(response.content == "Okay, let's check the weather.")
            #expect(response.toolCalls == [ToolCall(id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", arguments: #"{"location": "San Francisco, CA"}"#)])
            #expect(response.finishReason == .toolCalls)
            #expect(response.usage == TokenUsage(promptTokens: 472, completionTokens: 89))
        }
    }

    @Test func errorEventMidStreamIsAnError() async throws {
        try await ProviderFixture().withServer { base in
            let kind = await OpenAIClientTests.kind { _ = try await OpenAIClientTests.collect(Self.model(base + "/anthropic-error")) }
            #expect(kind == .streamInterrupted)
        }
    }

    @Test func embeddingsComeBackInInputOrder() async throws {
        try await ProviderFixture().withServer { base in
            let model = OpenAICompatibleEmbeddingModel(
                deployment: DeploymentSettings(name: "e", baseURL: base + "/ok", model: "text-embedding-3-small"),
                httpClient: TestHTTPClient.shared, logger: OpenAIClientTests.logger
            )
            let response = try await model.embed(EmbeddingRequest(inputs: ["first", "second"]))
            #expect(response.vectors.count == 2)
            #expect(response.vectors[1] == [0.5, -0.25, 0.125])
            #expect(response.usage?.promptTokens == 8)
        }
    }

    static let cityRequest: ChatRequest = {
        var request = ChatRequest(messages: [.user("Name a city in France.")])
        request.responseFormat = .jsonSchema(
            name: "city", schema: .object(["type": .string("object"), "properties": .object(["city": .object(["type": .string("string")])]), "required": .array([.string("city")])]),
            strict: true
        )
        return request
    }()

    @Test func jsonSchemaIsAForcedToolWhoseInputIsTheAnswer() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let response = try await Self.model(base + "/anthropic-structured").complete(Self.cityRequest)
            #expect(response.content == #"{"city":"Lyon"}"#)
            #expect(response.toolCalls.isEmpty)
            #expect(response.finishReason == .stop)
            #expect(response.usage == TokenUsage(promptTokens: 410, completionTokens: 38))
        }
        let sent = try #require(fixture.receivedBodies.first)
        #expect(sent.contains(#""tool_choice":{"name":"city","type":"tool"}"#) || sent.contains(#""tool_choice":{"type":"tool","name":"city"}"#))
        #expect(sent.contains(#""input_schema":{"#) && sent.contains(#""required":["city"]"#))
        #expect(!sent.contains("Reply only with one JSON value"))
    }

    @Test func streamedJSONSchemaArrivesAsContent() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            var accumulator = ChatStreamAccumulator()
            for event in try await OpenAIClientTests.collect(Self.model(base + "/anthropic-structured"), Self.cityRequest) { accumulator.add(event) }
            let response = accumulator.response
            #expect(response.content == #"{"city": "Lyon"}"#)
            #expect(response.toolCalls.isEmpty)
            #expect(response.finishReason == .stop)
        }
        #expect(fixture.receivedBodies.first?.contains(#""type":"tool""#) == true)
    }

    @Test func jsonSchemaBesideCallerToolsStaysInThePrompt() async throws {
        // Given a schema and the caller's own tools, forcing a schema tool would take the caller's tools away
        let request = {
            var request = Self.toolRequest
            request.responseFormat = Self.cityRequest.responseFormat
            return request
        }()
        let fixture = ProviderFixture()
        try await fixture.withServer { base in _ = try await Self.model(base + "/anthropic").complete(request) }
        let sent = try #require(fixture.receivedBodies.first)
        #expect(sent.contains("Reply only with one JSON value"))
        #expect(sent.contains(#""tool_choice":{"type":"any"}"#))
    }
}

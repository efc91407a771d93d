import AsyncHTTPClient
import ConciergeCore
@testable import ConciergeLLM
import Logging
import Synchronization
import Testing

@Suite struct OpenAIClientTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func model(
        _ base: String, timeout: Duration = .seconds(5), nativeTools: Bool = true, stallLimit: Duration? = nil
    ) -> OpenAICompatibleChatModel {
        OpenAICompatibleChatModel(
            deployment: DeploymentSettings(
                name: "fixture", baseURL: base, apiKey: "sk-test", model: "gpt-test", timeout: timeout, nativeTools: nativeTools,
                streamStallLimit: stallLimit
            ),
            httpClient: TestHTTPClient.shared, logger: logger
        )
    }

    static func collect(_ model: some ChatModel, _ request: ChatRequest = RouterHarness.question) async throws -> [ChatStreamEvent] {
        let events = Mutex<[ChatStreamEvent]>([])
        try await model.stream(request) { event in events.withLock { $0.append(event) } }
        return events.withLock { $0 }
    }

    /// Starts `call`, cancels it 200 ms later, and says how it ended and how long it took to end after the cancel.
    static func cancelled(_ call: @escaping @Sendable () async throws -> Void) async -> (LLMError.Kind?, Duration) {
        let task = Task { try await call() }
        try? await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        let kind = await Self.kind { try await task.value }
        return (kind, ContinuousClock.now - start)
    }

    static func kind(of body: () async throws -> Void) async -> LLMError.Kind? {
        do {
            try await body()
            return nil
        } catch let error as LLMError {
            return error.kind
        } catch {
            return nil
        }
    }

    @Test func completeMapsTheDocumentedResponse() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let response = try await Self.model(base + "/ok").complete(RouterHarness.question)
            #expect(response.content == "Hello! How can I assist you today?")
            #expect(response.finishReason == .stop)
            #expect(response.usage == TokenUsage(promptTokens: 19, completionTokens: 10, cachedTokens: 4))
            #expect(response.provider == ProviderInfo(remainingRequests: 99, remainingTokens: 5000))
        }
        let sent = try #require(fixture.receivedBodies.first)
        #expect(sent.contains(#""model":"gpt-test""#))
        #expect(!sent.contains("stream"))
    }

    /// AsyncHTTPClient's own lines (all debug or trace) reach the service's log at debug; at info it gets a logger
    /// that drops everything, so the ids it sets on every call cost nothing, and the call still works.
    @Test func theHTTPClientLogsThroughTheServiceLoggerOnlyAtDebug() async throws {
        for level in [Logger.Level.debug, .info] {
            let output = LogOutput.capture()
            let logger = Logger(label: "test") { JSONLogHandler(label: $0, level: level, format: .json, output: output) }
            try await ProviderFixture().withServer { base in
                let model = OpenAICompatibleChatModel(
                    deployment: DeploymentSettings(name: "fixture", baseURL: base + "/ok", apiKey: "sk-test", model: "gpt-test"),
                    httpClient: TestHTTPClient.shared, logger: logger
                )
                let response = try await model.complete(RouterHarness.question)
                #expect(response.content == "Hello! How can I assist you today?")
                var clientLogger = model.transport.logger  // keeps metadata only when it is the service's logger
                clientLogger[metadataKey: "probe"] = "set"
                #expect((clientLogger[metadataKey: "probe"] != nil) == (level == .debug))
            }
            let clientLines = output.lines.filter { $0.contains("ahc-request-id") }
            #expect(level == .debug ? !clientLines.isEmpty : output.lines.isEmpty, "\(level): \(output.lines)")
            #expect(!output.lines.joined().contains("sk-test"))
        }
    }

    @Test func completeMapsToolCalls() async throws {
        try await ProviderFixture().withServer { base in
            var request = RouterHarness.question
            request.tools = [ToolDefinition(name: "get_current_weather", parameters: .object(["type": .string("object")]))]
            let response = try await Self.model(base + "/tools").complete(request)
            #expect(response.toolCalls.map(\.name) == ["get_current_weather"])
            #expect(response.toolCalls.first?.id == "call_abc123")
            #expect(response.finishReason == .toolCalls)
        }
    }

    @Test func statusErrorsAreClassified() async throws {
        try await ProviderFixture().withServer { base in
            do {
                _ = try await Self.model(base + "/429").complete(RouterHarness.question)
                Issue.record("expected a 429")
            } catch let error as LLMError {
                #expect(error.kind == .rateLimited)
                #expect(error.retryAfter == .seconds(2))
                #expect(error.isRetryable)
            }
            #expect(await Self.kind { _ = try await Self.model(base + "/500").complete(RouterHarness.question) } == .server)
            do {
                _ = try await Self.model(base + "/400").complete(RouterHarness.question)
                Issue.record("expected a 400")
            } catch let error as LLMError {
                #expect(error.kind == .request)
                #expect(error.param == "response_format")
                #expect(!error.isRetryable && !error.isProviderSide)
            }
            #expect(await Self.kind { _ = try await Self.model(base + "/malformed").complete(RouterHarness.question) } == .malformedResponse)
            #expect(await Self.kind { _ = try await Self.model("http://127.0.0.1:1").complete(RouterHarness.question) } == .connection)
        }
    }

    // The stalls below stay silent until the test is done (`ProviderSilence`): a call that a limit fails to end
    // would wait for the provider to answer and succeed (or time out), whatever the machine's load.

    @Test func slowProviderTimesOut() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let kind = await Self.kind { _ = try await Self.model(base + "/hang", timeout: .milliseconds(300)).complete(RouterHarness.question) }
            #expect(kind == .timeout)
            #expect(!fixture.silence.broken)
        }
    }

    @Test func aBodyThatStallsAfterTheHeadTimesOut() async throws {
        // The deadline covers the whole answer, not only its head.
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let kind = await Self.kind { _ = try await Self.model(base + "/stall-body", timeout: .milliseconds(500)).complete(RouterHarness.question) }
            #expect(kind == .timeout)
            #expect(!fixture.silence.broken, "ended by the deadline, not by the rest of the body")
        }
    }

    @Test func cancellingTheCallerCancelsAPlainCall() async throws {
        // A client that leaves cancels its handler's task; the provider call ends then, not when the provider answers
        // (or the 30 s timeout fires).
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let (kind, waited) = await Self.cancelled { _ = try await Self.model(base + "/hang", timeout: .seconds(30)).complete(RouterHarness.question) }
            #expect(kind == .cancelled)
            #expect(!fixture.silence.broken)
            #expect(waited < .seconds(5), "ended at the cancel, not later")
        }
    }

    @Test func streamsTheDocumentedChunksAndAsksForUsage() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let events = try await Self.collect(Self.model(base + "/ok"))
            #expect(events.first == .started(id: nil, model: "gpt-test", provider: nil))
            #expect(events.dropFirst() == [.content("Hello"), .content(" wörld ✓"), .finished(.stop), .usage(TokenUsage(promptTokens: 9, completionTokens: 3))])
        }
        #expect(fixture.receivedBodies.first?.contains(#""stream_options":{"include_usage":true}"#) == true)
    }

    @Test func eventsOfOneReadArriveAsOneBatch() async throws {
        try await ProviderFixture().withServer { base in
            // The fixture writes the whole stream at once (after a pause): one read, so one batch after the start.
            let batches = Mutex<[[ChatStreamEvent]]>([])
            try await Self.model(base + "/slow-first-byte").streamBatches(RouterHarness.question) { events in batches.withLock { $0.append(events) } }
            let received = batches.withLock { $0 }
            #expect(received.allSatisfy { !$0.isEmpty })
            #expect(received.flatMap { $0 } == [
                .started(id: nil, model: "gpt-test", provider: nil), .content("Hello"), .content(" wörld ✓"), .finished(.stop),
                .usage(TokenUsage(promptTokens: 9, completionTokens: 3)),
            ])
            #expect(received.count == 2)
        }
    }

    @Test func streamsToolCallPieces() async throws {
        try await ProviderFixture().withServer { base in
            var accumulator = ChatStreamAccumulator()
            for event in try await Self.collect(Self.model(base + "/tools")) { accumulator.add(event) }
            #expect(accumulator.response.toolCalls == [ToolCall(id: "call_DdmO9pD3xa9XTPNJ32zg2hcA", name: "get_weather", arguments: #"{"location":"Paris"}"#)])
            #expect(accumulator.response.finishReason == .toolCalls)
        }
    }

    @Test func streamedStatusErrorsAreClassifiedWithTheProvidersMessage() async throws {
        try await ProviderFixture().withServer { base in
            do {
                _ = try await Self.collect(Self.model(base + "/429"))
                Issue.record("expected a 429")
            } catch let error as LLMError {
                #expect(error.kind == .rateLimited)
                #expect(error.retryAfter == .seconds(2))
            }
            do {
                _ = try await Self.collect(Self.model(base + "/400"))
                Issue.record("expected a 400")
            } catch let error as LLMError {
                #expect(error.kind == .request)
                #expect(error.param == "response_format")
            }
            #expect(await Self.kind { _ = try await Self.collect(Self.model(base + "/500")) } == .server)
            #expect(await Self.kind { _ = try await Self.collect(Self.model("http://127.0.0.1:1")) } == .connection)
        }
    }

    @Test func aStreamedErrorWhoseBodyStallsEndsWithinTheTimeout() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            // The 500's head comes at once (5 s is ample for it on a loaded machine); the timeout must end its
            // stalled body, and the error is still the provider's.
            let kind = await Self.kind { _ = try await Self.collect(Self.model(base + "/stall-error", timeout: .seconds(5))) }
            #expect(kind == .server)
            #expect(!fixture.silence.broken, "ended by the timeout, not by the rest of the error body")
        }
    }

    @Test func cancellingTheCallerCancelsAStream() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let (kind, waited) = await Self.cancelled { _ = try await Self.collect(Self.model(base + "/hang", timeout: .seconds(30))) }
            #expect(kind == .cancelled)
            #expect(!fixture.silence.broken)
            #expect(waited < .seconds(5), "ended at the cancel, not later")
        }
    }

    @Test func streamCutOffIsAnErrorNotACleanEnd() async throws {
        try await ProviderFixture().withServer { base in
            #expect(await Self.kind { _ = try await Self.collect(Self.model(base + "/cut")) } == .streamInterrupted)
        }
    }

    @Test func providerErrorMidStreamIsAnError() async throws {
        try await ProviderFixture().withServer { base in
            let events = Mutex<[ChatStreamEvent]>([])
            do {
                try await Self.model(base + "/stream-error").stream(RouterHarness.question) { event in events.withLock { $0.append(event) } }
                Issue.record("expected an error")
            } catch let error as LLMError {
                #expect(error.kind == .streamInterrupted)
                #expect(error.message.contains("server had an error"))
            }
            #expect(events.withLock { $0.contains(.content("Hello")) })
        }
    }

    @Test func slowFirstByteWaitsWithinTheTimeoutAndFailsBeyondIt() async throws {
        try await ProviderFixture().withServer { base in
            let events = try await Self.collect(Self.model(base + "/slow-first-byte", timeout: .seconds(5)))
            #expect(events.contains(.finished(.stop)))
            let kind = await Self.kind { _ = try await Self.collect(Self.model(base + "/slow-first-byte", timeout: .milliseconds(100))) }
            #expect(kind == .timeout)
        }
    }

    @Test func aStreamThatGoesSilentEndsWithATimeoutAfterItsStallLimit() async throws {
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            let events = Mutex<[ChatStreamEvent]>([])
            // 3 s limits: the head and first half arrive well within them even on a loaded machine.
            let model = Self.model(base + "/stall-stream", timeout: .seconds(3), stallLimit: .seconds(3))
            let kind = await Self.kind { try await model.stream(RouterHarness.question) { event in events.withLock { $0.append(event) } } }
            #expect(kind == .timeout)
            #expect(events.withLock { $0.contains { if case .content = $0 { true } else { false } } }, "the first half arrived")
            #expect(!fixture.silence.broken, "ended by the stall limit, not by the provider's second half")
        }
    }

    @Test func aStreamWithShortSilencesOutlastsItsStallLimit() async throws {
        // Gaps of 500 ms, 6.5 s in all: the limits (3 s) bound each silence, not the whole stream. Each gap has
        // 2.5 s of slack on a loaded machine; a deadline that read no reads would fire mid-stream.
        try await ProviderFixture().withServer { base in
            let events = try await Self.collect(Self.model(base + "/slow-stream", timeout: .seconds(3), stallLimit: .seconds(3)))
            #expect(events.contains(.finished(.stop)))
        }
    }

    @Test func emulatesToolsWithJSONSchemaForDeploymentsWithoutNativeTools() async throws {
        // The fixture answers with plain content; what matters here is the rewritten request.
        let fixture = ProviderFixture()
        try await fixture.withServer { base in
            var request = RouterHarness.question
            request.tools = [ToolDefinition(name: "get_weather", parameters: .object(["type": .string("object")]))]
            _ = try await Self.model(base + "/ok", nativeTools: false).complete(request)
        }
        let sent = try #require(fixture.receivedBodies.first)
        #expect(sent.contains(#""response_format":{"#) && sent.contains(#""type":"json_schema""#))
        #expect(!sent.contains(#""tools""#))
    }

    @Test func mapsJSONToolCallsWrittenInContent() throws {
        let tools = [ToolDefinition(name: "get_weather", parameters: .object([:]))]
        let emulated = ChatResponse(model: "m", content: #"{"tool": "get_weather", "arguments": {"city": "Paris"}}"#, finishReason: .stop, usage: nil)
        var request = RouterHarness.question
        request.tools = tools
        let emulation = ToolEmulation(request: request, deployment: DeploymentSettings(name: "x", baseURL: "http://x", model: "m", nativeTools: false))
        let mapped = try #require(emulation).mapBack(emulated)
        #expect(mapped.toolCalls.first?.name == "get_weather")
        #expect(mapped.toolCalls.first?.arguments == #"{"city":"Paris"}"#)
        #expect(mapped.finishReason == .toolCalls)
        let written = ChatResponse(model: "m", content: "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call>", finishReason: .stop, usage: nil)
        #expect(ToolEmulation.recoverToolCall(in: written, tools: tools).toolCalls.count == 1)
        let prose = ChatResponse(model: "m", content: "It is sunny.", finishReason: .stop, usage: nil)
        #expect(ToolEmulation.recoverToolCall(in: prose, tools: tools).toolCalls.isEmpty)
    }
}

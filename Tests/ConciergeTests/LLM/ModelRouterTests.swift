import ConciergeCore
import ConciergeLLM
import ConciergeTestSupport
import Testing

@Suite struct ModelRouterTests {
    @Test func retriesServerErrorsWithBackoffThenSucceeds() async throws {
        let harness = try RouterHarness(["a": [.fail(.boom), .fail(.boom), .respond(.text("ok"))]])
        let response = try await harness.router.complete(RouterHarness.question)
        #expect(response.content == "ok")
        // Equal jitter pinned to its lower bound: 50 ms, then 100 ms.
        #expect(harness.clock.sleeps == [.milliseconds(50), .milliseconds(100)])
        let rows = harness.ledger.all
        #expect(rows.map(\.outcome) == [.error, .error, .success])
        #expect(rows.map(\.attempt) == [1, 2, 3])
        #expect(rows.allSatisfy { $0.requestID == "req-1" && $0.deployment == "a" && $0.alias == "default" })
    }

    @Test func honoursRetryAfterOn429() async throws {
        let limited = LLMError(.rateLimited, "slow down", status: 429, retryAfter: .seconds(2))
        let harness = try RouterHarness(["a": [.fail(limited), .respond(.text("ok"))]])
        _ = try await harness.router.complete(RouterHarness.question)
        #expect(harness.clock.sleeps == [.seconds(2)])
        #expect(harness.ledger.all.map(\.outcome) == [.rateLimited, .success])
    }

    @Test func fallsBackWhenRetriesAreSpent() async throws {
        let harness = try RouterHarness(["a": [.fail(.boom), .fail(.boom)], "b": [.respond(.text("from b"))]], maxRetries: 1)
        let response = try await harness.router.complete(RouterHarness.question)
        #expect(response.content == "from b")
        #expect(harness.ledger.all.map(\.deployment) == ["a", "a", "b"])
        #expect(harness.models["a"]?.remainingSteps == 0)
    }

    @Test func fallsBackAtOnceOnAuthenticationFailure() async throws {
        let harness = try RouterHarness(["a": [.fail(LLMError(.authentication, "bad key", status: 401))], "b": [.respond(.text("ok"))]])
        _ = try await harness.router.complete(RouterHarness.question)
        #expect(harness.clock.sleeps.isEmpty)
        #expect(harness.ledger.all.map(\.deployment) == ["a", "b"])
    }

    @Test func requestErrorReturnsWithoutRetryOrFallback() async throws {
        let invalid = LLMError(.request, "invalid schema", status: 400, param: "response_format")
        let harness = try RouterHarness(["a": [.fail(invalid)], "b": []])
        await #expect(throws: invalid.withDeployment("a")) { try await harness.router.complete(RouterHarness.question) }
        #expect(harness.models["b"]?.callCount == 0)
        #expect(harness.ledger.all.map(\.outcome) == [.requestError])
    }

    @Test func unknownModelIsARequestError() async throws {
        let harness = try RouterHarness(["a": []])
        var request = RouterHarness.question
        request.model = "nope"
        await #expect(throws: LLMError.self) { try await harness.router.complete(request) }
        #expect(harness.ledger.all.isEmpty)
    }

    @Test func listsExactlyItsAliasesAndDeployments() throws {
        let harness = try RouterHarness(["a": [], "b": []])
        let listed = harness.router.modelListings.map(\.id)
        #expect(listed.allSatisfy { harness.router.lists($0) })
        #expect(listed.contains("default") && listed.contains("a"))
        #expect(!harness.router.lists("nope"))
    }

    @Test func breakerOpensSkipsTheDeploymentAndClosesAfterAProbe() async throws {
        // Given a breaker that opens after 2 failures and no retries
        let harness = try RouterHarness(
            ["a": [.fail(.boom), .fail(.boom), .respond(.text("a is back"))], "b": Array(repeating: .respond(.text("b")), count: 3)],
            maxRetries: 0, breakerFailures: 2, coolDown: .seconds(30)
        )
        // When two calls fail over to b
        _ = try await harness.router.complete(RouterHarness.question)
        _ = try await harness.router.complete(RouterHarness.question)
        #expect(harness.router.circuitStates["a"] == .open)
        #expect(harness.metricsText.contains(#"concierge_llm_circuit_open{deployment="a"} 1"#))
        // Then the next call skips a entirely
        _ = try await harness.router.complete(RouterHarness.question)
        #expect(harness.models["a"]?.callCount == 2)
        // And after the cool-down one probe goes to a, succeeds, and closes the breaker
        harness.clock.advance(by: .seconds(30))
        #expect(harness.router.circuitStates["a"] == .halfOpen)
        let response = try await harness.router.complete(RouterHarness.question)
        #expect(response.content == "a is back")
        #expect(harness.router.circuitStates["a"] == .closed)
        #expect(harness.metricsText.contains(#"concierge_llm_circuit_open{deployment="a"} 0"#))
    }

    @Test func readinessShowsOpenCircuitsAndFailsWhenAnAliasHasNoneLeft() async throws {
        let harness = try RouterHarness(["a": [.fail(.boom)]], maxRetries: 0, breakerFailures: 1)
        let check = LLMHealthCheck(router: harness.router)
        #expect(await check.check().status == .ok)
        await #expect(throws: LLMError.self) { try await harness.router.complete(RouterHarness.question) }
        let result = await check.check()
        #expect(result.status == .failing)
        #expect(result.details["circuit.a"] == "open")
    }

    @Test func recordsCostAndEstimatesMissingUsage() async throws {
        var noUsage = ChatResponse.text("four score and seven")
        noUsage.usage = nil
        let harness = try RouterHarness(["a": [.respond(.text("x", prompt: 1_000_000, completion: 500_000)), .respond(noUsage)]])
        _ = try await harness.router.complete(RouterHarness.question)
        let response = try await harness.router.complete(RouterHarness.question)
        let rows = harness.ledger.all
        // 1 M prompt tokens at 1 USD/M + 0.5 M completion at 2 USD/M = 2 USD
        #expect(rows[0].cost == MicroUSD(2_000_000))
        #expect(rows[0].estimated == false)
        #expect(rows[1].estimated == true)
        #expect(rows[1].completionTokens > 0)
        #expect(response.usage?.estimated == true)
        #expect(harness.metricsText.contains(#"concierge_llm_tokens_total{deployment="a",model="a-model",type="prompt"}"#))
    }

    @Test func cacheAnswersRepeatedZeroTemperatureCalls() async throws {
        let harness = try RouterHarness(["a": [.respond(.text("cached answer"))]], cache: true)
        var request = RouterHarness.question
        request.temperature = 0
        _ = try await harness.router.complete(request)
        let second = try await harness.router.complete(request)
        #expect(second.content == "cached answer")
        #expect(harness.ledger.all.map(\.outcome) == [.success, .cacheHit])
        request.cachePolicy = .bypass
        await #expect(throws: LLMError.self) { try await harness.router.complete(request) }  // script empty: it reached the model
        #expect(harness.metricsText.contains(#"concierge_llm_cache_lookups_total{result="hit"} 1"#))
    }
}

extension LLMError {
    /// The error as the router rethrows it: naming the deployment, with the charge of the attempts made.
    func withDeployment(_ name: String, attempts: Int = 1) -> LLMError {
        var copy = self
        copy.deployment = name
        copy.charge = CallCharge(attempts: attempts)
        return copy
    }
}

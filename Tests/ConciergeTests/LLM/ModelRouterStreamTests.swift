import ConciergeCore
import ConciergeLLM
import ConciergeTestSupport
import Synchronization
import Testing

@Suite struct ModelRouterStreamTests {
    static let started = ChatStreamEvent.started(id: "1", model: "m", provider: nil)
    static let usage = TokenUsage(promptTokens: 7, completionTokens: 2)

    /// Collects what the caller received.
    final class Sink: Sendable {
        let events = Mutex<[ChatStreamEvent]>([])
        var received: [ChatStreamEvent] { events.withLock { $0 } }
        func add(_ event: ChatStreamEvent) { events.withLock { $0.append(event) } }
    }

    @Test func fallsBackWhenTheStreamFailsBeforeTheFirstByte() async throws {
        let harness = try RouterHarness([
            "a": [.streamThenFail([Self.started], .boom)],
            "b": [.stream([Self.started, .content("hi"), .finished(.stop), .usage(Self.usage)])],
        ], maxRetries: 0)
        let sink = Sink()
        try await harness.router.stream(RouterHarness.question) { sink.add($0) }
        // The caller sees one start (b's) and b's content, nothing of a.
        #expect(sink.received == [Self.started, .content("hi"), .finished(.stop), .usage(Self.usage)])
        #expect(harness.ledger.all.map(\.outcome) == [.error, .success])
        #expect(harness.ledger.all.last?.promptTokens == 7)
        #expect(harness.ledger.all.last?.timeToFirstTokenMilliseconds != nil)
    }

    @Test func failureAfterTheFirstByteEndsTheStreamWithAnError() async throws {
        let cut = LLMError(.streamInterrupted, "cut off")
        let harness = try RouterHarness(["a": [.streamThenFail([Self.started, .content("par")], cut)], "b": []], maxRetries: 2)
        let sink = Sink()
        await #expect(throws: LLMError.self) {
            try await harness.router.stream(RouterHarness.question) { sink.add($0) }
        }
        #expect(sink.received == [Self.started, .content("par")])
        #expect(harness.models["b"]?.callCount == 0)
        #expect(harness.clock.sleeps.isEmpty)
        #expect(harness.ledger.all.map(\.outcome) == [.error])
    }

    @Test func callerLeavingCancelsAndBillsOnlyReportedUsage() async throws {
        struct ClientGone: Error {}
        let harness = try RouterHarness(["a": [.stream([Self.started, .content("a"), .content("b"), .content("c")])]])
        let sink = Sink()
        await #expect(throws: ClientGone.self) {
            try await harness.router.stream(RouterHarness.question) { event in
                sink.add(event)
                if case .content("b") = event { throw ClientGone() }
            }
        }
        #expect(sink.received.count == 3)
        let row = try #require(harness.ledger.all.first)
        #expect(row.outcome == .cancelled)
        #expect(row.promptTokens == 0 && row.cost == .zero)
        #expect(harness.router.circuitStates["a"] == .closed)
    }

    @Test func missingStreamUsageIsEstimatedAndSentToTheCaller() async throws {
        let harness = try RouterHarness(["a": [.stream([Self.started, .content("some words here"), .finished(.stop)])]])
        let sink = Sink()
        try await harness.router.stream(RouterHarness.question) { sink.add($0) }
        guard case .usage(let usage) = sink.received.last else {
            Issue.record("no usage event at the end")
            return
        }
        #expect(usage.estimated)
        #expect(harness.ledger.all.first?.estimated == true)
    }

    @Test func hangingDeploymentIsCancelledWithItsCaller() async throws {
        let harness = try RouterHarness(["a": [.hang]])
        let task = Task { try await harness.router.stream(RouterHarness.question) { _ in } }
        _ = await eventually { harness.models["a"]?.callCount == 1 }
        task.cancel()
        await #expect(throws: (any Error).self) { try await task.value }
        #expect(harness.ledger.all.map(\.outcome) == [.cancelled])
    }
}

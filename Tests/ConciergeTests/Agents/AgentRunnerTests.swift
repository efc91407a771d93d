import ConciergeAgents
import ConciergeCore
import ConciergeTestSupport
import ConciergeTools
import Foundation
import Testing

@Suite struct AgentRunnerTests {
    static let acceptance = "What is 17.5% of 2,340 and what time is it in Tokyo?"
    let tools = ToolRegistry.offline(now: { Date(timeIntervalSince1970: 1_795_316_400) }).all

    func runner(_ model: ScriptedChatModel?) -> AgentRunner {
        AgentRunner(model: model, tools: tools, unitNames: UnitConvertTool.unitNames, logger: .quiet)
    }

    func run(_ runner: AgentRunner, _ run: TaskRun, _ recorder: MemoryRunRecorder) async throws -> TaskRun {
        try await runner.run(run, journal: recorder, events: recorder, save: { recorder.save($0) })
    }

    static func plan(_ steps: String) -> ChatResponse { .text(#"{"steps":\#(steps)}"#, prompt: 100, completion: 40) }
    static let goodPlan = plan(#"[{"id":"a","tool":"calculator","arguments":{"expression":"17.5% of 2,340"},"depends_on":[],"purpose":"percent"},{"id":"b","tool":"clock","arguments":{"operation":"now","time_zone":"Asia/Tokyo"},"depends_on":[],"purpose":"time"}]"#)
    static let pass = ChatResponse.text(#"{"verdict":"pass","reasons":["both parts answered"]}"#, prompt: 50, completion: 10)

    @Test func rulePlannerAnswersWithoutAModel() async throws {
        let recorder = MemoryRunRecorder()
        let run = try await run(runner(nil), .fresh(Self.acceptance), recorder)
        #expect(run.status == .succeeded)
        #expect(run.plan?.planner == "rules")
        #expect(run.steps.map(\.tool) == ["calculator", "clock"])
        #expect(run.answer?.text.contains("= 409.5") == true)
        #expect(run.answer?.text.contains("12:00") == true)
        #expect(run.answer?.result["s1"]?["value"] == "409.5")
        #expect(run.verification?.method == "steps")
        #expect(run.usage.toolCalls == 2 && run.usage.llmCalls == 0)
        #expect(recorder.eventTypes.first == "status" && recorder.eventTypes.last == "done")
        #expect(recorder.events("step_finished").count == 2)
    }

    @Test func llmPlanIsValidatedRunAndJudged() async throws {
        let model = ScriptedChatModel(steps: [.respond(Self.goodPlan), .respond(Self.pass)])
        let recorder = MemoryRunRecorder()
        let run = try await run(runner(model), .fresh(Self.acceptance), recorder)
        #expect(run.status == .succeeded)
        #expect(run.plan?.planner == "llm")
        #expect(run.steps.map(\.stepID) == ["a", "b"])
        // Status changes are progress (written with the next durable write); only the finished run is saved
        #expect(recorder.progressStatuses == [.planning, .running, .verifying] && recorder.savedStatuses == [.succeeded])
        #expect(run.verification == Verification(verdict: .pass, method: "llm", reasons: ["both parts answered"]))
        #expect(run.usage.llmCalls == 2 && run.usage.promptTokens == 150 && run.usage.completionTokens == 50)
        #expect(model.requests[0].attribution.operation == "agent.plan")
        #expect(model.remainingSteps == 0 && model.unexpectedCalls == 0)
    }

    @Test func malformedPlanGetsOneRepairWithTheExactError() async throws {
        let model = ScriptedChatModel(steps: [.respond(.text("Sure! Here is a plan: step one, calculate.")), .respond(Self.goodPlan), .respond(Self.pass)])
        let run = try await run(runner(model), .fresh(Self.acceptance), MemoryRunRecorder())
        #expect(run.status == .succeeded && run.plan?.planner == "llm")
        let repair = try #require(model.requests[1].messages.last?.content)
        #expect(repair.contains("the reply is not a JSON object"))
    }

    @Test func invalidArgumentsAreNamedInTheRepair() async throws {
        let bad = Self.plan(#"[{"id":"a","tool":"calculator","arguments":{"expr":"1+1"},"depends_on":[],"purpose":"x"}]"#)
        let model = ScriptedChatModel(steps: [.respond(bad), .respond(Self.goodPlan), .respond(Self.pass)])
        _ = try await run(runner(model), .fresh(Self.acceptance), MemoryRunRecorder())
        let repair = try #require(model.requests[1].messages.last?.content)
        #expect(repair.contains("step 'a' (calculator): arguments: missing required property 'expression'"))
        #expect(repair.contains("unknown property 'expr'"))
    }

    @Test func unknownToolTwiceFallsBackToRules() async throws {
        let unknown = Self.plan(#"[{"id":"a","tool":"stock_price","arguments":{},"depends_on":[],"purpose":"x"}]"#)
        let model = ScriptedChatModel(steps: [.respond(unknown), .respond(unknown)])
        let recorder = MemoryRunRecorder()
        let run = try await run(runner(model), .fresh(Self.acceptance), recorder)
        #expect(run.status == .succeeded)
        #expect(run.plan?.planner == "rules")
        // The model that could not plan does not judge the rule plan
        #expect(run.verification?.method == "steps")
        #expect(model.remainingSteps == 0 && model.unexpectedCalls == 0)
        #expect(run.usage.llmCalls == 2)
        #expect(recorder.events("planner_fallback").first?["reason"]?.stringValue?.contains("stock_price") == true)
    }

    @Test func modelDownFallsBackToRulesAndTheJudgeIsSkipped() async throws {
        let model = ScriptedChatModel(steps: [.fail(LLMError(.unavailable, "all circuits open"))])
        let run = try await run(runner(model), .fresh(Self.acceptance), MemoryRunRecorder())
        #expect(run.status == .succeeded && run.plan?.planner == "rules")
        #expect(run.verification?.method == "steps")
        #expect(model.callCount == 1 && model.unexpectedCalls == 0)
    }

    @Test func aModelPastThePlanTimeoutIsLeftForTheRulePlanner() async throws {
        let model = ScriptedChatModel(steps: [.hang])
        let runner = AgentRunner(model: model, tools: tools, unitNames: UnitConvertTool.unitNames,
                                 settings: .init(planTimeout: .milliseconds(50)), logger: .quiet)
        let recorder = MemoryRunRecorder()
        let run = try await run(runner, .fresh(Self.acceptance), recorder)
        #expect(run.status == .succeeded && run.plan?.planner == "rules")
        #expect(recorder.events("planner_fallback").first?["reason"]?.stringValue?.contains("no plan within") == true)
        #expect(model.callCount == 1)
    }

    @Test func plannerAndJudgeCallsAreCappedInTokens() async throws {
        let model = ScriptedChatModel(steps: [.respond(Self.goodPlan), .respond(Self.pass)])
        let runner = AgentRunner(model: model, tools: tools, unitNames: UnitConvertTool.unitNames,
                                 settings: .init(planMaxTokens: 300, judgeMaxTokens: 40), logger: .quiet)
        _ = try await run(runner, .fresh(Self.acceptance), MemoryRunRecorder())
        #expect(model.requests.map(\.maxTokens) == [300, 40])
    }

    @Test func failedVerificationReplansOnceWithTheReasons() async throws {
        let fail = ChatResponse.text(#"{"verdict":"fail","reasons":["the time zone is wrong"]}"#)
        let model = ScriptedChatModel(steps: [.respond(Self.goodPlan), .respond(fail), .respond(Self.goodPlan), .respond(Self.pass)])
        let recorder = MemoryRunRecorder()
        let run = try await run(runner(model), .fresh(Self.acceptance), recorder)
        #expect(run.status == .succeeded)
        #expect(run.replans == 1)
        #expect(model.requests[2].messages.last?.content?.contains("the time zone is wrong") == true)
        #expect(Set(recorder.calls.keys) == ["a", "b", "r1/a", "r1/b"])
    }

    @Test func secondFailedVerificationFailsTheRun() async throws {
        let fail = ChatResponse.text(#"{"verdict":"fail","reasons":["not answered"]}"#)
        let model = ScriptedChatModel(steps: [.respond(Self.goodPlan), .respond(fail), .respond(Self.goodPlan), .respond(fail)])
        let run = try await run(runner(model), .fresh(Self.acceptance), MemoryRunRecorder())
        #expect(run.status == .failed)
        #expect(run.error == "verification failed: not answered")
    }

    @Test func outputSchemaIsEnforced() async throws {
        let schema: JSONValue = ["type": "object", "required": ["value"], "properties": ["value": ["type": "string"]]]
        let ok = try await run(runner(nil), .fresh("what is 2 + 2", outputSchema: schema), MemoryRunRecorder())
        #expect(ok.status == .succeeded && ok.verification?.method == "schema")
        let strict: JSONValue = ["type": "object", "required": ["answer"]]
        let bad = try await run(runner(nil), .fresh("what is 2 + 2", outputSchema: strict), MemoryRunRecorder())
        #expect(bad.status == .failed)
        #expect(bad.verification?.reasons == ["result: missing required property 'answer'"])
    }

    @Test func taskWithNothingToDoFailsClearly() async throws {
        let run = try await run(runner(nil), .fresh("write a sonnet about the sea"), MemoryRunRecorder())
        #expect(run.status == .failed)
        #expect(run.error?.contains("rule planner found nothing") == true)
    }
}

import Foundation

/// Run documents and journal entries written straight to bytes: the same text as ``RunJSON/encode(_:dates:)``'s
/// ``JSONValue`` written with sorted keys (a test compares the two), without building that tree and sorting its keys
/// on every write. A run's document is written at each of its durable writes and again for a `wait` response.
extension RunJSON {
    public static func text(_ run: TaskRun, dates: DateStyle = .milliseconds) -> String {
        var json = JSONBytes(capacity: 2048)
        write(run, dates: dates, to: &json)
        return json.text
    }

    public static func text(_ call: ToolCallRecord) -> String {
        var json = JSONBytes(capacity: 512)
        write(call, to: &json)
        return json.text
    }

    /// Keys in sorted order; an absent optional is left out. An optional before the first required key carries its
    /// comma after it, one after it before.
    public static func write(_ run: TaskRun, dates: DateStyle, to json: inout JSONBytes) {
        json.raw("{")
        if let answer = run.answer {
            json.raw(#""answer":{"result":"#)
            writeRest(answer.result, sources: answer.sources, text: answer.text, to: &json)
            json.raw(",")
        }
        json.raw(#""created_at":"#)
        write(run.createdAt, dates, to: &json)
        json.field(#","error":"#, run.error) { $0.string($1) }
        json.field(#","error_code":"#, run.errorCode) { $0.string($1.rawValue) }
        json.field(#","finished_at":"#, run.finishedAt) { write($1, dates, to: &$0) }
        json.raw(#","id":"#)
        json.string(run.id)
        json.field(#","plan":"#, run.plan) { write($1, to: &$0) }
        json.raw(#","replans":"#)
        json.int(run.replans)
        json.raw(#","request":"#)
        write(run.request, to: &json)
        json.field(#","started_at":"#, run.startedAt) { write($1, dates, to: &$0) }
        json.raw(#","status":"#)
        json.string(run.status.rawValue)
        json.raw(#","steps":["#)
        for (index, call) in run.steps.enumerated() {
            if index > 0 { json.raw(",") }
            write(call, to: &json)
        }
        json.raw(#"],"usage":{"completion_tokens":"#)
        json.int(run.usage.completionTokens)
        json.raw(#","cost_micro_usd":"#)
        json.int(Int(run.usage.costMicroUSD))
        json.raw(#","llm_calls":"#)
        json.int(run.usage.llmCalls)
        json.raw(#","prompt_tokens":"#)
        json.int(run.usage.promptTokens)
        json.raw(#","tool_calls":"#)
        json.int(run.usage.toolCalls)
        json.raw("}")
        json.field(#","verification":{"method":"#, run.verification) { json, verification in
            json.string(verification.method)
            json.raw(#","reasons":"#)
            json.strings(verification.reasons)
            json.raw(#","verdict":"#)
            json.string(verification.verdict.rawValue)
            json.raw("}")
        }
        json.raw("}")
    }

    public static func write(_ call: ToolCallRecord, to json: inout JSONBytes) {
        json.raw(#"{"arguments":"#)
        json.value(.object(call.arguments))
        json.raw(#","attempts":"#)
        json.int(call.attempts)
        json.raw(#","cached":"#)
        json.raw(call.cached ? "true" : "false")
        json.raw(#","duration_ms":"#)
        json.int(call.durationMs)
        json.field(#","error":"#, call.error) { $0.string($1) }
        json.field(#","error_kind":"#, call.errorKind) { $0.string($1) }
        json.raw(#","idempotency_key":"#)
        json.string(call.idempotencyKey)
        json.field(#","output":{"data":"#, call.output) { json, output in
            writeRest(output.data, sources: output.sources, text: output.text, to: &json)
        }
        json.raw(#","status":"#)
        json.string(call.status.rawValue)
        json.raw(#","step_id":"#)
        json.string(call.stepID)
        json.raw(#","tool":"#)
        json.string(call.tool)
        json.raw("}")
    }

    static func write(_ request: TaskRequest, to json: inout JSONBytes) {
        json.raw("{")
        json.field(#""metadata":"#, request.metadata) { $0.value($1); $0.raw(",") }
        json.field(#""output_schema":"#, request.outputSchema) { $0.value($1); $0.raw(",") }
        json.field(#""owner":"#, request.owner) { $0.string($1); $0.raw(",") }
        json.raw(#""planner":"#)
        json.string(request.planner.rawValue)
        json.raw(#","task":"#)
        json.string(request.task)
        json.raw("}")
    }

    static func write(_ plan: Plan, to json: inout JSONBytes) {
        json.raw(#"{"planner":"#)
        json.string(plan.planner)
        json.raw(#","steps":["#)
        for (index, step) in plan.steps.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw(#"{"arguments":"#)
            json.value(.object(step.arguments))
            json.raw(#","depends_on":"#)
            json.strings(step.dependsOn)
            json.raw(#","id":"#)
            json.string(step.id)
            json.raw(#","purpose":"#)
            json.string(step.purpose)
            json.raw(#","tool":"#)
            json.string(step.tool)
            json.raw("}")
        }
        json.raw("]}")
    }

    /// The rest of an answer or a tool output after its first key: the value, `sources`, `text`, and the closing brace.
    private static func writeRest(_ value: JSONValue, sources: [String], text: String, to json: inout JSONBytes) {
        json.value(value)
        json.raw(#","sources":"#)
        json.strings(sources)
        json.raw(#","text":"#)
        json.string(text)
        json.raw("}")
    }

    static func write(_ date: Date, _ style: DateStyle, to json: inout JSONBytes) {
        json.value(encode(date, style))
    }
}

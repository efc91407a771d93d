import Foundation

/// Run documents and journal entries as ``JSONValue``s, by hand: the same keys as their `Codable` forms (a stored
/// document reads back either way), at a fraction of `JSONEncoder`/`JSONDecoder`'s cost, which a run paid on every
/// write and read. Absent optionals are left out, as `Codable` does; a `null` reads as absent.
public enum RunJSON {
    /// How dates are written: milliseconds since 1970 in stored documents, ISO 8601 (whole seconds, UTC) in API responses.
    public enum DateStyle: Sendable { case milliseconds, iso8601 }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ run: TaskRun, dates: DateStyle = .milliseconds) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(run.id), "request": encode(run.request), "status": .string(run.status.rawValue),
            "steps": .array(run.steps.map(encode)), "usage": encode(run.usage), "replans": .number(Double(run.replans)),
            "created_at": encode(run.createdAt, dates),
        ]
        object["plan"] = run.plan.map(encode)
        object["answer"] = run.answer.map { ["text": .string($0.text), "result": $0.result, "sources": strings($0.sources)] }
        object["verification"] = run.verification.map {
            ["verdict": .string($0.verdict.rawValue), "method": .string($0.method), "reasons": strings($0.reasons)]
        }
        object["error"] = run.error.map(JSONValue.string)
        object["error_code"] = run.errorCode.map { .string($0.rawValue) }
        object["started_at"] = run.startedAt.map { encode($0, dates) }
        object["finished_at"] = run.finishedAt.map { encode($0, dates) }
        return .object(object)
    }

    public static func encode(_ call: ToolCallRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "step_id": .string(call.stepID), "tool": .string(call.tool), "arguments": .object(call.arguments),
            "status": .string(call.status.rawValue), "attempts": .number(Double(call.attempts)),
            "duration_ms": .number(Double(call.durationMs)), "idempotency_key": .string(call.idempotencyKey), "cached": .bool(call.cached),
        ]
        object["output"] = call.output.map { ["text": .string($0.text), "data": $0.data, "sources": strings($0.sources)] }
        object["error"] = call.error.map(JSONValue.string)
        object["error_kind"] = call.errorKind.map(JSONValue.string)
        return .object(object)
    }

    static func encode(_ request: TaskRequest) -> JSONValue {
        var object: [String: JSONValue] = ["task": .string(request.task), "planner": .string(request.planner.rawValue)]
        object["output_schema"] = request.outputSchema
        object["metadata"] = request.metadata
        object["owner"] = request.owner.map(JSONValue.string)
        return .object(object)
    }

    static func encode(_ plan: Plan) -> JSONValue {
        ["planner": .string(plan.planner), "steps": .array(plan.steps.map { step in
            ["id": .string(step.id), "tool": .string(step.tool), "arguments": .object(step.arguments),
             "depends_on": strings(step.dependsOn), "purpose": .string(step.purpose)]
        })]
    }

    static func encode(_ usage: RunUsage) -> JSONValue {
        ["prompt_tokens": .number(Double(usage.promptTokens)), "completion_tokens": .number(Double(usage.completionTokens)),
         "cost_micro_usd": .number(Double(usage.costMicroUSD)), "llm_calls": .number(Double(usage.llmCalls)),
         "tool_calls": .number(Double(usage.toolCalls))]
    }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    static func encode(_ date: Date, _ style: DateStyle) -> JSONValue {
        switch style {
        case .milliseconds: .number(1000.0 * date.timeIntervalSince1970)  // as JSONEncoder's .millisecondsSince1970
        case .iso8601: .string(ISO8601Text.string(date))
        }
    }
}

extension RunJSON {
    public static func decodeRun(_ json: JSONValue) throws -> TaskRun {
        let object = try Fields(json, "run")
        var run = TaskRun(
            id: try object.string("id"), request: try decodeRequest(object.required("request")),
            status: try object.enumValue("status", RunStatus.self), createdAt: try object.date("created_at")
        )
        run.plan = try object.optional("plan").map(decodePlan)
        run.steps = try object.array("steps").map(decodeCall)
        run.answer = try object.optional("answer").map { value in
            let answer = try Fields(value, "answer")
            return TaskAnswer(text: try answer.string("text"), result: answer.optional("result") ?? .null, sources: try answer.strings("sources"))
        }
        run.verification = try object.optional("verification").map { value in
            let verification = try Fields(value, "verification")
            return Verification(
                verdict: try verification.enumValue("verdict", Verification.Verdict.self), method: try verification.string("method"),
                reasons: try verification.strings("reasons")
            )
        }
        let usage = try Fields(object.required("usage"), "usage")
        run.usage = RunUsage(
            promptTokens: try usage.int("prompt_tokens"), completionTokens: try usage.int("completion_tokens"),
            costMicroUSD: Int64(try usage.int("cost_micro_usd")), llmCalls: try usage.int("llm_calls"), toolCalls: try usage.int("tool_calls")
        )
        run.error = try object.optionalString("error")
        run.errorCode = try object.optionalString("error_code").map(RunErrorCode.init(rawValue:))
        run.replans = try object.int("replans")
        run.startedAt = try object.optional("started_at").map { try Fields.date($0, "started_at") }
        run.finishedAt = try object.optional("finished_at").map { try Fields.date($0, "finished_at") }
        return run
    }

    public static func decodeCall(_ json: JSONValue) throws -> ToolCallRecord {
        let object = try Fields(json, "call")
        return ToolCallRecord(
            stepID: try object.string("step_id"), tool: try object.string("tool"), arguments: try object.object("arguments"),
            status: try object.enumValue("status", ToolCallRecord.Status.self),
            output: try object.optional("output").map { value in
                let output = try Fields(value, "output")
                return ToolOutput(text: try output.string("text"), data: output.optional("data") ?? .null, sources: try output.strings("sources"))
            },
            error: try object.optionalString("error"), errorKind: try object.optionalString("error_kind"), attempts: try object.int("attempts"),
            durationMs: try object.int("duration_ms"), idempotencyKey: try object.string("idempotency_key"), cached: try object.bool("cached")
        )
    }

    static func decodeRequest(_ json: JSONValue) throws -> TaskRequest {
        let object = try Fields(json, "request")
        return TaskRequest(
            task: try object.string("task"), outputSchema: object.optional("output_schema"),
            planner: try object.enumValue("planner", TaskRequest.PlannerChoice.self), metadata: object.optional("metadata"),
            owner: try object.optionalString("owner")
        )
    }

    static func decodePlan(_ json: JSONValue) throws -> Plan {
        let object = try Fields(json, "plan")
        let steps = try object.array("steps").map { value in
            let step = try Fields(value, "step")
            return PlanStep(
                id: try step.string("id"), tool: try step.string("tool"), arguments: try step.object("arguments"),
                dependsOn: try step.strings("depends_on"), purpose: try step.string("purpose")
            )
        }
        return Plan(steps: steps, planner: try object.string("planner"))
    }
}

/// Typed reads of one JSON object's fields, each failing with the field's name.
private struct Fields {
    let object: [String: JSONValue]
    let name: String

    init(_ json: JSONValue, _ name: String) throws {
        guard case .object(let object) = json else { throw RunJSON.Invalid(description: "\(name) is not an object") }
        self.object = object
        self.name = name
    }

    func invalid(_ key: String) -> RunJSON.Invalid { RunJSON.Invalid(description: "\(name).\(key) is missing or has the wrong type") }

    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func required(_ key: String) throws -> JSONValue {
        guard let value = optional(key) else { throw invalid(key) }
        return value
    }

    func string(_ key: String) throws -> String {
        guard case .string(let value)? = object[key] else { throw invalid(key) }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw invalid(key) }
        return text
    }

    func int(_ key: String) throws -> Int {
        guard case .number(let value)? = object[key], let integer = Int(exactly: value) else { throw invalid(key) }
        return integer
    }

    func bool(_ key: String) throws -> Bool {
        guard case .bool(let value)? = object[key] else { throw invalid(key) }
        return value
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let value)? = object[key] else { throw invalid(key) }
        return value
    }

    func object(_ key: String) throws -> [String: JSONValue] {
        guard case .object(let value)? = object[key] else { throw invalid(key) }
        return value
    }

    func strings(_ key: String) throws -> [String] {
        try array(key).map { item in
            guard case .string(let value) = item else { throw invalid(key) }
            return value
        }
    }

    func enumValue<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try string(key)) else { throw invalid(key) }
        return value
    }

    func date(_ key: String) throws -> Date { try Self.date(object[key] ?? .null, "\(name).\(key)") }

    /// Milliseconds since 1970, as JSONDecoder's `.millisecondsSince1970` reads them.
    static func date(_ value: JSONValue, _ name: String) throws -> Date {
        guard case .number(let millis) = value else { throw RunJSON.Invalid(description: "\(name) is not a date in milliseconds") }
        return Date(timeIntervalSince1970: millis / 1000.0)
    }
}

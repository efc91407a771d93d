public import ConciergeCore

/// Checks that the answer answers the task: against `output_schema` when the caller gave one; otherwise every
/// step must have succeeded and, when a model is configured, the model judges the answer with a fixed rubric.
public struct Verifier: Sendable {
    static let rubric = """
        You check whether an answer fully answers a task, using only the tool results shown. Fail it if any part of \
        the task is unanswered, if it contradicts a tool result, or if it states facts no tool result supports. \
        Reply with JSON only: {"verdict":"pass" or "fail","reasons":["…"]}.
        """
    static let verdictSchema: JSONValue = [
        "type": "object",
        "properties": ["verdict": ["type": "string", "enum": ["pass", "fail"]], "reasons": ["type": "array", "items": ["type": "string"]]],
        "required": ["verdict", "reasons"],
        "additionalProperties": false,
    ]

    let model: (any ChatModel)?
    let alias: String
    let maxTokens: Int?

    public init(model: (any ChatModel)?, alias: String = "default", maxTokens: Int? = nil) {
        self.model = model
        self.alias = alias
        self.maxTokens = maxTokens
    }

    public func verify(task: String, outputSchema: JSONValue?, answer: TaskAnswer, steps: [ToolCallRecord], runID: String, meter: UsageMeter) async -> Verification {
        let failed = steps.filter { $0.status != .succeeded }
        if !failed.isEmpty {
            return Verification(verdict: .fail, method: "steps", reasons: failed.map { "step '\($0.stepID)' (\($0.tool)) \($0.status.rawValue): \($0.error ?? "no result")" })
        }
        if let outputSchema {
            let errors = JSONSchemaValidator.errors(answer.result, against: outputSchema, path: "result")
            return Verification(verdict: errors.isEmpty ? .pass : .fail, method: "schema", reasons: errors.isEmpty ? ["the result matches output_schema"] : errors)
        }
        guard let model else { return Verification(verdict: .pass, method: "steps", reasons: ["every step succeeded; no model judged the answer"]) }
        do {
            let response = try await meter.complete(model, judgeRequest(task: task, answer: answer, steps: steps, runID: runID))
            guard let json = ModelJSON.object(in: response.content), JSONSchemaValidator.errors(json, against: Self.verdictSchema).isEmpty,
                let verdict = json["verdict"]?.stringValue.flatMap(Verification.Verdict.init(rawValue:))
            else {
                return Verification(verdict: .pass, method: "steps", reasons: ["every step succeeded; the judge's reply was not a verdict"])
            }
            let reasons = json["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return Verification(verdict: verdict, method: "llm", reasons: reasons)
        } catch {
            return Verification(verdict: .pass, method: "steps", reasons: ["every step succeeded; the judge could not be reached"])
        }
    }

    func judgeRequest(task: String, answer: TaskAnswer, steps: [ToolCallRecord], runID: String) -> ChatRequest {
        let results = steps.map { "[\($0.stepID)] \($0.tool): \($0.output?.text ?? "")" }.joined(separator: "\n")
        return ChatRequest(
            model: alias,
            messages: [.system(Self.rubric), .user("Task: \(task)\nTool results:\n\(results)\nAnswer:\n\(answer.text)")],
            responseFormat: .jsonSchema(name: "verdict", schema: Self.verdictSchema, strict: true), temperature: 0, maxTokens: maxTokens,
            attribution: CallAttribution(runID: runID, operation: "agent.verify"), cachePolicy: .bypass
        )
    }
}

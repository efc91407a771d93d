public import ConciergeCore
import Foundation

/// Asks the model for a plan as JSON (structured output with the plan schema), validates it against the plan
/// schema and every tool's argument schema, and gives the model one repair round with the exact errors.
public struct LLMPlanner: Sendable {
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let errors: [String]
        public var description: String { "the model's plan was invalid after one repair: " + errors.joined(separator: "; ") }
    }

    let model: any ChatModel
    let alias: String
    let tools: [any Tool]
    let validator: PlanValidator
    let maxTokens: Int?
    /// Built once: the schema and the tool catalogue (every tool's argument schema) are the same for every run.
    let planSchema: JSONValue
    let systemPrompt: String

    public init(model: any ChatModel, alias: String = "default", tools: [any Tool], maxSteps: Int, maxTokens: Int? = nil) {
        self.model = model
        self.maxTokens = maxTokens
        self.alias = alias
        self.tools = tools.sorted { $0.name < $1.name }
        self.validator = PlanValidator(tools: Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }), maxSteps: maxSteps)
        self.planSchema = Self.planSchema(tools: self.tools, maxSteps: validator.maxSteps)
        self.systemPrompt = Self.systemPrompt(tools: self.tools, maxSteps: validator.maxSteps)
    }

    /// - Parameter feedback: the verifier's reasons when this is a re-plan.
    public func plan(_ task: String, runID: String, feedback: [String] = [], meter: UsageMeter) async throws -> Plan {
        var messages: [ChatMessage] = [.system(systemPrompt), .user(userPrompt(task, feedback: feedback))]
        var errors: [String] = []
        for _ in 0..<2 {
            let response = try await meter.complete(model, request(messages, runID: runID))
            switch parse(response.content) {
            case .success(let plan): return plan
            case .failure(let invalid): errors = invalid.errors
            }
            messages.append(.assistant(response.content ?? ""))
            messages.append(.user("That plan is invalid: \(errors.joined(separator: "; ")). Reply with the corrected plan as JSON only."))
        }
        throw Invalid(errors: errors)
    }

    func parse(_ content: String?) -> Result<Plan, Invalid> {
        guard let json = ModelJSON.object(in: content) else { return .failure(Invalid(errors: ["the reply is not a JSON object"])) }
        let shape = JSONSchemaValidator.errors(json, against: planSchema)
        guard shape.isEmpty else { return .failure(Invalid(errors: shape)) }
        // Read straight from the validated JSON (a round trip through Codable cost more than the rest of the parse).
        let items = json["steps"]?.arrayValue ?? []
        let steps = items.compactMap { item -> PlanStep? in
            guard let id = item["id"]?.stringValue, let tool = item["tool"]?.stringValue, case .object(let arguments)? = item["arguments"],
                let dependsOn = item["depends_on"]?.arrayValue?.compactMap(\.stringValue), let purpose = item["purpose"]?.stringValue
            else { return nil }
            return PlanStep(id: id, tool: tool, arguments: arguments, dependsOn: dependsOn, purpose: purpose)
        }
        guard steps.count == items.count else { return .failure(Invalid(errors: ["the steps could not be read"])) }
        let plan = Plan(steps: steps, planner: "llm")
        let problems = validator.errors(in: plan)
        return problems.isEmpty ? .success(plan) : .failure(Invalid(errors: problems))
    }

    func request(_ messages: [ChatMessage], runID: String) -> ChatRequest {
        ChatRequest(
            model: alias, messages: messages, responseFormat: .jsonSchema(name: "plan", schema: planSchema, strict: false), temperature: 0, maxTokens: maxTokens,
            attribution: CallAttribution(runID: runID, operation: "agent.plan"), cachePolicy: .bypass
        )
    }

    static func planSchema(tools: [any Tool], maxSteps: Int) -> JSONValue {
        let step: JSONValue = [
            "type": "object",
            "properties": [
                "id": ["type": "string", "minLength": 1], "tool": ["type": "string", "enum": .array(tools.map { .string($0.name) })],
                "arguments": ["type": "object"], "depends_on": ["type": "array", "items": ["type": "string"]], "purpose": ["type": "string"],
            ],
            "required": ["id", "tool", "arguments", "depends_on", "purpose"],
            "additionalProperties": false,
        ]
        return ["type": "object", "properties": ["steps": ["type": "array", "items": step, "minItems": 1, "maxItems": .number(Double(maxSteps))]],
                "required": ["steps"], "additionalProperties": false]
    }

    static func systemPrompt(tools: [any Tool], maxSteps: Int) -> String {
        let catalogue = tools.map { "- \($0.name): \($0.description)\n  arguments schema: \($0.parametersSchema.jsonText)" }.joined(separator: "\n")
        return """
            You plan tool calls that answer the user's task. Tools:
            \(catalogue)
            Reply with JSON only: {"steps":[{"id":"s1","tool":"…","arguments":{…},"depends_on":[],"purpose":"…"}]}.
            At most \(maxSteps) steps. Steps without dependencies run in parallel. An argument may use an earlier \
            step's result as "${s1}" (its text) or "${s1.field}" (a field of its data); list that step in depends_on.
            """
    }

    func userPrompt(_ task: String, feedback: [String]) -> String {
        guard !feedback.isEmpty else { return "Task: \(task)" }
        return "Task: \(task)\nA previous plan's answer failed verification: \(feedback.joined(separator: "; ")). Make a better plan."
    }
}

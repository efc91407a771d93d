
/// A plan: tool calls with dependencies. Arguments may refer to earlier results with `"${step_id}"` (the step's
/// text) or `"${step_id.path.to.field}"` (a field of its data); a step that refers to another must depend on it.
public struct Plan: Sendable, Hashable, Codable {
    public var steps: [PlanStep]
    /// Which planner made it: `llm` or `rules`.
    public var planner: String

    public init(steps: [PlanStep], planner: String) {
        self.steps = steps
        self.planner = planner
    }
}

public struct PlanStep: Sendable, Hashable, Codable {
    public var id: String
    public var tool: String
    public var arguments: [String: JSONValue]
    public var dependsOn: [String]
    public var purpose: String

    public init(id: String, tool: String, arguments: [String: JSONValue], dependsOn: [String] = [], purpose: String) {
        self.id = id
        self.tool = tool
        self.arguments = arguments
        self.dependsOn = dependsOn
        self.purpose = purpose
    }

    enum CodingKeys: String, CodingKey {
        case id, tool, arguments, purpose
        case dependsOn = "depends_on"
    }
}

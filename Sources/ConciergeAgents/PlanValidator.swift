public import ConciergeCore

/// Checks a plan before anything runs: known tools, arguments valid against each tool's schema, unique ids,
/// dependencies that exist and form no cycle, references that point at dependencies, and the step limit.
/// Each error is a sentence a model can act on in its repair round.
public struct PlanValidator: Sendable {
    public let tools: [String: any Tool]
    public let maxSteps: Int

    public init(tools: [String: any Tool], maxSteps: Int) {
        self.tools = tools
        self.maxSteps = maxSteps
    }

    public func errors(in plan: Plan) -> [String] {
        var problems: [String] = []
        if plan.steps.isEmpty { problems.append("the plan has no steps") }
        if plan.steps.count > maxSteps { problems.append("the plan has \(plan.steps.count) steps; at most \(maxSteps) are allowed") }
        var seen = Set<String>()
        for step in plan.steps {
            if !seen.insert(step.id).inserted { problems.append("step id '\(step.id)' is used twice") }
            for dependency in step.dependsOn where !plan.steps.contains(where: { $0.id == dependency }) {
                problems.append("step '\(step.id)' depends on unknown step '\(dependency)'")
            }
            guard let tool = tools[step.tool] else {
                problems.append("step '\(step.id)' uses unknown tool '\(step.tool)'; known tools: \(tools.keys.sorted().joined(separator: ", "))")
                continue
            }
            let references = StepReferences.referencedSteps(in: .object(step.arguments))
            for reference in references where !step.dependsOn.contains(reference) {
                problems.append("step '\(step.id)' refers to '\(reference)' without depending on it")
            }
            // Arguments holding references are checked after they are filled in.
            if references.isEmpty {
                for error in JSONSchemaValidator.errors(.object(step.arguments), against: tool.parametersSchema, path: "arguments") {
                    problems.append("step '\(step.id)' (\(step.tool)): \(error)")
                }
            }
        }
        if problems.isEmpty, Self.hasCycle(plan) { problems.append("the dependencies form a cycle") }
        return problems
    }

    static func hasCycle(_ plan: Plan) -> Bool {
        var done = Set<String>()
        var remaining = plan.steps
        while !remaining.isEmpty {
            let ready = remaining.filter { $0.dependsOn.allSatisfy(done.contains) }
            if ready.isEmpty { return true }
            done.formUnion(ready.map(\.id))
            remaining.removeAll { done.contains($0.id) }
        }
        return false
    }
}

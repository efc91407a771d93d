import ConciergeCore
import Logging

extension AgentRunner {
    /// A plan, and whether the model was asked for it and could not make it (so the rule planner made it).
    struct MadePlan {
        var plan: Plan
        var fellBack = false
    }

    func makePlan(_ run: TaskRun, feedback: [String], meter: UsageMeter, events: any RunEventSink) async throws -> MadePlan {
        let rules = rulePlanner
        guard let planner = llmPlanner, run.request.planner != .rules else { return MadePlan(plan: try rules.plan(run.request.task)) }
        do {
            let task = run.request.task, runID = run.id
            return MadePlan(plan: try await withDeadline(settings.planTimeout) {
                try await planner.plan(task, runID: runID, feedback: feedback, meter: meter)
            })
        } catch where error is CancellationError || Task.isCancelled {
            throw CancellationError()
        } catch {
            logger.debug("LLM planner failed; trying rules", metadata: ["run.id": .string(run.id), "error.type": .string("\(type(of: error))")])
            let reason = error is DeadlineExceeded ? "the model made no plan within \(settings.planTimeout)" : "\(error)"
            await events.emit("planner_fallback", ["reason": .string(reason)])
            do {
                return MadePlan(plan: try rules.plan(run.request.task), fellBack: true)
            } catch {
                throw PlanningFailed(reason: "the model could not make a valid plan and \(error)")
            }
        }
    }

    func planEvent(_ plan: Plan) -> JSONValue {
        ["planner": .string(plan.planner), "steps": .array(plan.steps.map { step in
            ["id": .string(step.id), "tool": .string(step.tool), "arguments": .object(step.arguments),
             "depends_on": .array(step.dependsOn.map(JSONValue.string)), "purpose": .string(step.purpose)]
        })]
    }
}

/// Neither planner could make a plan.
public struct PlanningFailed: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

import ConciergeCore
import Hummingbird

extension TasksController {
    struct ResolveBody: Decodable {
        var stepID: String?
        var outcome: String?
        var text: String?
        var data: JSONValue?

        enum CodingKeys: String, CodingKey {
            case outcome, text, data
            case stepID = "step_id"
        }
    }

    /// `POST /v1/tasks/{id}/resolve`: a person's answer for the pending call that stopped a run (`needs_attention`);
    /// the run is queued again and resumes from its journal.
    func resolve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let body = try await JSONBodyDecoder.decode(ResolveBody.self, from: request, context: context)
        guard let stepID = body.stepID, !stepID.isEmpty, stepID.utf8.count <= 200 else {
            throw APIError.badRequest("step_id is required: the id of the pending step named in the run's error.")
        }
        let resolution: StepResolution
        switch body.outcome {
        case "done"?:
            let text = body.text ?? "took effect (confirmed by a person)"
            resolution = .done(ToolOutput(text: text, data: body.data ?? .null))
        case "not_done"?:
            guard body.text == nil, body.data == nil else { throw APIError.badRequest("text and data go only with outcome done.") }
            resolution = .notDone
        default:
            throw APIError.badRequest("outcome must be done (the call took effect) or not_done (it did not; it runs again).")
        }
        let run = try await TaskAccess.readable(id, tasks: tasks, context: context)
        try TaskAccess.requireActor(on: run, context: context)
        return Self.json(try await Self.mapErrors { try await tasks.resolve(id, step: stepID, as: resolution) }, status: .accepted)
    }
}

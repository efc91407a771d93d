import ConciergeCore
import HTTPTypes

/// Who may see and act on a run: its submitter; analysts read every run; admins read and act on every run.
/// A run a caller may not read answers 404, as if it did not exist.
enum TaskAccess {
    static func canReadAll(_ context: AppRequestContext) -> Bool {
        guard let principal = context.principal else { return true }
        return principal.role >= .analyst
    }

    static func isOwner(_ run: TaskRun, _ context: AppRequestContext) -> Bool {
        guard let principal = context.principal else { return true }
        return run.request.owner == principal.id
    }

    /// The run, when the caller may read it.
    static func readable(_ id: String, tasks: any TaskService, context: AppRequestContext) async throws -> TaskRun {
        guard let run = try await tasks.run(id), canReadAll(context) || isOwner(run, context) else {
            throw APIError.notFound("Task \(id) does not exist.")
        }
        return run
    }

    /// Acting on a run (cancel) is for its submitter and admins.
    static func requireActor(on run: TaskRun, context: AppRequestContext) throws {
        guard isOwner(run, context) || (context.principal?.role ?? .admin) >= .admin else {
            throw APIError(.forbidden, code: "forbidden", message: "Only the submitter or an admin can act on this task.")
        }
    }
}

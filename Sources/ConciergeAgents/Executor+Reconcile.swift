import ConciergeCore
import Logging

extension Executor {
    /// A side-effecting call was journaled as pending and never committed, and its tool could not tell whether it
    /// took effect: the run stops for a person instead of firing it again.
    public struct PendingSideEffect: Error, CustomStringConvertible {
        public let stepID: String
        public let tool: String
        public let idempotencyKey: String
        public var description: String {
            "step '\(stepID)' (\(tool), idempotency key \(idempotencyKey)) may have taken effect before a crash and the tool "
                + "cannot tell; it was not repeated and needs a person to check"
        }
    }

    /// Settles every pending call of the journal with its tool's reconcile hook before anything runs: a committed
    /// result is journaled as the step's success, a call safe to retry runs again as a fresh step, and anything else
    /// throws ``PendingSideEffect``. No pending call is ever invoked here.
    func reconcilePending(_ journaled: [String: ToolCallRecord], journal: any RunJournal, events: any RunEventSink) async throws -> [String: ToolCallRecord] {
        var records = journaled
        for record in journaled.values.sorted(by: { $0.stepID < $1.stepID }) where record.status == .pending {
            let outcome = try await reconciliation(of: record)
            let name: String
            switch outcome {
            case .committed(let output):
                var committed = record
                committed.status = .succeeded
                committed.output = output
                try await journal.record(committed)
                records[record.stepID] = committed
                name = "committed"
            case .safeToRetry:
                records.removeValue(forKey: record.stepID)
                name = "safe_to_retry"
            case .unknown:
                name = "unknown"
            }
            logger.notice("Pending tool call reconciled", metadata: [
                "agent.step": .string(record.stepID), "tool.name": .string(record.tool), "tool.reconcile": .string(name),
            ])
            await events.emit("step_reconciled", ["step_id": .string(record.stepID), "tool": .string(record.tool), "outcome": .string(name)])
            if outcome == .unknown {
                throw PendingSideEffect(stepID: record.stepID, tool: record.tool, idempotencyKey: record.idempotencyKey)
            }
        }
        return records
    }

    /// The tool's answer, bounded by its timeout; a missing tool, a failing hook or a timeout cannot tell.
    private func reconciliation(of record: ToolCallRecord) async throws -> ToolReconciliation {
        guard let tool = tools[record.tool] else { return .unknown }
        do {
            return try await Self.withTimeout(tool.timeout, toolName: tool.name) {
                try await tool.reconcile(idempotencyKey: record.idempotencyKey, arguments: record.arguments)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.debug("Reconcile hook failed", metadata: ["tool.name": .string(tool.name), "error.type": .string("\(type(of: error))")])
            return .unknown
        }
    }
}

/// Puts a stored run back together: the document plus its journal, in plan order (re-plan steps after).
public enum RunDocuments {
    public static func assemble(_ document: String, steps: [String]) throws -> TaskRun {
        var run = try RunCoding.decode(TaskRun.self, document)
        let records = try steps.map { try RunCoding.decode(ToolCallRecord.self, $0) }
        guard !records.isEmpty else { return run }
        let order = Dictionary((run.plan?.steps ?? []).enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let prefix = run.replans > 0 ? "r\(run.replans)/" : ""
        run.steps = records.filter { prefix.isEmpty ? !$0.stepID.contains("/") : $0.stepID.hasPrefix(prefix) }
            .map { record in
                var copy = record
                copy.stepID = String(record.stepID.dropFirst(prefix.count))
                return copy
            }
            .sorted { (order[$0.stepID] ?? .max, $0.stepID) < (order[$1.stepID] ?? .max, $1.stepID) }
        return run
    }
}

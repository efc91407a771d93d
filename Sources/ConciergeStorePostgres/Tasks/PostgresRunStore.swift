public import ConciergeCore
public import Foundation
import Logging
import PostgresNIO

/// Runs, journals and events in PostgreSQL (migration 4, `create_task_runs`).
extension PostgresStore: RunStore {
    static let runSchema = [
        """
        CREATE TABLE task_runs (
            id TEXT PRIMARY KEY,
            idempotency_key TEXT UNIQUE,
            owner TEXT,
            status TEXT NOT NULL,
            job_id BIGINT,
            event_seq BIGINT NOT NULL DEFAULT 0,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            document TEXT NOT NULL
        )
        """,
        "CREATE INDEX task_runs_status ON task_runs (status, id)",
        "CREATE INDEX task_runs_owner ON task_runs (owner, id)",
        """
        CREATE TABLE task_steps (
            run_id TEXT NOT NULL REFERENCES task_runs (id) ON DELETE CASCADE,
            step_id TEXT NOT NULL,
            status TEXT NOT NULL,
            document TEXT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (run_id, step_id)
        )
        """,
        """
        CREATE TABLE task_events (
            run_id TEXT NOT NULL REFERENCES task_runs (id) ON DELETE CASCADE,
            sequence BIGINT NOT NULL,
            type TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (run_id, sequence)
        )
        """,
    ]

    public func createRun(_ run: TaskRun, idempotencyKey: String?) async throws -> (run: TaskRun, created: Bool) {
        let document = try RunCoding.encode(run)
        let rows = try await client.query(
            """
            INSERT INTO task_runs (id, idempotency_key, owner, status, created_at, updated_at, document)
            VALUES (\(run.id), \(idempotencyKey), \(run.request.owner), \(run.status.rawValue), \(run.createdAt), \(Date()), \(document))
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows { return (run, true) }
        guard let idempotencyKey else { throw TaskError(.conflict, "run \(run.id) already exists") }
        for try await id in try await client.query("SELECT id FROM task_runs WHERE idempotency_key = \(idempotencyKey)", logger: logger).decode(String.self) {
            if let existing = try await self.run(id) { return (existing, false) }
        }
        throw TaskError(.conflict, "idempotency key is in use")
    }

    public func jobID(of runID: String) async throws -> Int64? {
        for try await id in try await client.query("SELECT job_id FROM task_runs WHERE id = \(runID)", logger: logger).decode(Int64?.self) {
            return id
        }
        return nil
    }

    public func run(_ id: String) async throws -> TaskRun? {
        var document: String?
        for try await text in try await client.query("SELECT document FROM task_runs WHERE id = \(id)", logger: logger).decode(String.self) {
            document = text
        }
        guard let document else { return nil }
        var steps: [String] = []
        for try await text in try await client.query("SELECT document FROM task_steps WHERE run_id = \(id)", logger: logger).decode(String.self) {
            steps.append(text)
        }
        return try RunDocuments.assemble(document, steps: steps)
    }

    public func listRuns(status: RunStatus?, owner: String?, limit: Int, after cursor: String?) async throws -> [TaskRun] {
        let rows = try await client.query(
            """
            SELECT document FROM task_runs WHERE (\(status?.rawValue)::TEXT IS NULL OR status = \(status?.rawValue))
            AND (\(owner)::TEXT IS NULL OR owner = \(owner))
            AND (\(cursor)::TEXT IS NULL OR id < \(cursor)) ORDER BY id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var runs: [TaskRun] = []
        for try await text in rows.decode(String.self) { runs.append(try RunCoding.decode(TaskRun.self, text)) }
        return runs
    }

    public func journaledCalls(runID: String) async throws -> [String: ToolCallRecord] {
        var calls: [String: ToolCallRecord] = [:]
        let rows = try await client.query("SELECT step_id, document FROM task_steps WHERE run_id = \(runID)", logger: logger)
        for try await (step, text) in rows.decode((String, String).self) { calls[step] = try RunCoding.decode(ToolCallRecord.self, text) }
        return calls
    }

    public func commit(_ writes: [RunWrite]) async throws -> [RunWriteResult] {
        let encoded = try writes.map { write in (write, try write.run.map(RunCoding.encode), try write.call.map(RunCoding.encode)) }
        let logger = self.logger
        // One write is one statement, atomic on its own: one round trip instead of BEGIN, up to four statements and
        // COMMIT. A batch (the group commit's) is one transaction of such statements.
        if let (write, document, callDocument) = encoded.first, encoded.count == 1 {
            return [try await Self.apply(write, document: document, callDocument: callDocument, logger: logger) { query in
                try await client.query(query, logger: logger)
            }]
        }
        return try await transaction { connection in
            var appended: [RunWriteResult] = []
            for (write, document, callDocument) in encoded {
                appended.append(try await Self.apply(write, document: document, callDocument: callDocument, logger: logger) { query in
                    try await connection.query(query, logger: logger)
                })
            }
            return appended
        }
    }

    /// One write as one statement: the UPDATE moves the document (a cancelled run keeps its own), the job link and the
    /// event counter, and the journaled call and the events are inserted from its result, so nothing is written for
    /// a run that does not exist (which is an error).
    private static func apply(
        _ write: RunWrite, document: String?, callDocument: String?, logger: Logger,
        run: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> RunWriteResult {
        let now = Date()
        let status = write.run?.status.rawValue
        let count = write.events.count
        let rows = try await run(
            """
            WITH r AS (
                UPDATE task_runs SET event_seq = event_seq + \(count),
                    status = CASE WHEN status = 'cancelled' OR \(status)::TEXT IS NULL THEN status ELSE \(status) END,
                    document = CASE WHEN status = 'cancelled' OR \(document)::TEXT IS NULL THEN document ELSE \(document) END,
                    job_id = COALESCE(\(write.jobID)::BIGINT, job_id),
                    updated_at = \(now)
                WHERE id = \(write.runID) RETURNING event_seq, status
            ), s AS (
                INSERT INTO task_steps (run_id, step_id, status, document, updated_at)
                SELECT \(write.runID), \(write.call?.stepID)::TEXT, \(write.call?.status.rawValue)::TEXT, \(callDocument)::TEXT, \(now)
                FROM r WHERE \(callDocument)::TEXT IS NOT NULL
                ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, document = excluded.document, updated_at = excluded.updated_at
            ), e AS (
                INSERT INTO task_events (run_id, sequence, type, data, created_at)
                SELECT \(write.runID), r.event_seq - \(count) + e.ord, e.type, e.data, \(now)
                FROM r, unnest(\(write.events.map(\.type))::TEXT[], \(write.events.map(\.data.jsonText))::TEXT[]) WITH ORDINALITY AS e(type, data, ord)
            )
            SELECT event_seq, status FROM r
            """
        )
        var last: Int64?
        var stored: String?
        for try await (value, storedStatus) in rows.decode((Int64, String).self) { (last, stored) = (value, storedStatus) }
        guard let last else { throw TaskError(.notFound, "run \(write.runID) does not exist") }
        // The document was replaced unless the run had been cancelled (then the status stays 'cancelled').
        let saved = status != nil && stored == status
        let first = Int(last) - count + 1
        return RunWriteResult(
            events: write.events.enumerated().map { RunEvent(sequence: first + $0.offset, type: $0.element.type, data: $0.element.data) },
            savedDocument: saved
        )
    }

    public func events(runID: String, after: Int) async throws -> [RunEvent] {
        let rows = try await client.query(
            "SELECT sequence, type, data FROM task_events WHERE run_id = \(runID) AND sequence > \(after) ORDER BY sequence", logger: logger
        )
        var events: [RunEvent] = []
        for try await (sequence, type, data) in rows.decode((Int64, String, String).self) {
            events.append(RunEvent(sequence: Int(sequence), type: type, data: JSONValue(jsonText: data) ?? .null))
        }
        return events
    }

    public func deleteFinishedRuns(before cutoff: Date) async throws -> Int {
        var count = 0
        let rows = try await client.query(
            "DELETE FROM task_runs WHERE status IN ('succeeded', 'failed', 'cancelled') AND created_at < \(cutoff) RETURNING id", logger: logger
        )
        for try await _ in rows { count += 1 }
        return count
    }
}

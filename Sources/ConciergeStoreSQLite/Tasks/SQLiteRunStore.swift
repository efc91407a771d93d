public import ConciergeCore
public import Foundation
import GRDB

/// Runs, journals and events in the SQLite file (migration 4, `create_task_runs`).
extension SQLiteStore: RunStore {
    static let runSchema = [
        """
        CREATE TABLE task_runs (
            id TEXT PRIMARY KEY,
            idempotency_key TEXT UNIQUE,
            owner TEXT,
            status TEXT NOT NULL,
            job_id INTEGER,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
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
            updated_at REAL NOT NULL,
            PRIMARY KEY (run_id, step_id)
        )
        """,
        """
        CREATE TABLE task_events (
            run_id TEXT NOT NULL REFERENCES task_runs (id) ON DELETE CASCADE,
            sequence INTEGER NOT NULL,
            type TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (run_id, sequence)
        )
        """,
    ]

    public func createRun(_ run: TaskRun, idempotencyKey: String?) async throws -> (run: TaskRun, created: Bool) {
        let document = try RunCoding.encode(run)
        let existing: String? = try await pool.write { db in
            if let idempotencyKey, let found = try String.fetchOne(
                db.cachedStatement(sql: "SELECT document FROM task_runs WHERE idempotency_key = ?"), arguments: [idempotencyKey]
            ) {
                return found
            }
            try db.cachedStatement(
                sql: "INSERT INTO task_runs (id, idempotency_key, owner, status, created_at, updated_at, document) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ).execute(
                arguments: [run.id, idempotencyKey, run.request.owner, run.status.rawValue, run.createdAt.timeIntervalSince1970, Date().timeIntervalSince1970, document]
            )
            return nil
        }
        guard let existing else { return (run, true) }
        let found = try RunCoding.decode(TaskRun.self, existing)
        return (try await self.run(found.id) ?? found, false)
    }

    public func jobID(of runID: String) async throws -> Int64? {
        try readHere { db in try Int64?.fetchOne(db, sql: "SELECT job_id FROM task_runs WHERE id = ?", arguments: [runID]) ?? nil }
    }

    public func run(_ id: String) async throws -> TaskRun? {
        let rows: (String, [String])? = try readHere { db in
            guard let document = try String.fetchOne(db.cachedStatement(sql: "SELECT document FROM task_runs WHERE id = ?"), arguments: [id]) else {
                return nil
            }
            let steps = try String.fetchAll(db.cachedStatement(sql: "SELECT document FROM task_steps WHERE run_id = ?"), arguments: [id])
            return (document, steps)
        }
        guard let rows else { return nil }
        return try RunDocuments.assemble(rows.0, steps: rows.1)
    }

    public func listRuns(status: RunStatus?, owner: String?, limit: Int, after cursor: String?) async throws -> [TaskRun] {
        let documents = try await readAside { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT document FROM task_runs WHERE (? IS NULL OR status = ?) AND (? IS NULL OR owner = ?) AND (? IS NULL OR id < ?)
                    ORDER BY id DESC LIMIT ?
                    """,
                arguments: [status?.rawValue, status?.rawValue, owner, owner, cursor, cursor, limit]
            )
        }
        return try documents.map { try RunCoding.decode(TaskRun.self, $0) }
    }

    public func journaledCalls(runID: String) async throws -> [String: ToolCallRecord] {
        let documents = try readHere { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT step_id, document FROM task_steps WHERE run_id = ?"), arguments: [runID])
                .map { ($0["step_id"] as String, $0["document"] as String) }
        }
        return try Dictionary(documents.map { ($0.0, try RunCoding.decode(ToolCallRecord.self, $0.1)) }, uniquingKeysWith: { _, last in last })
    }

    public func commit(_ writes: [RunWrite]) async throws -> [RunWriteResult] {
        let encoded = try writes.map { write in
            (write, try write.run.map(RunCoding.encode), try write.call.map(RunCoding.encode), write.events.map(\.data.jsonText))
        }
        let now = Date().timeIntervalSince1970
        let sequences = try await pool.write { db in
            try encoded.map { write, document, callDocument, eventTexts in
                try Self.apply(db, write, document: document, callDocument: callDocument, eventTexts: eventTexts, now: now)
            }
        }
        return zip(writes, sequences).map { write, applied in
            RunWriteResult(
                events: write.events.enumerated().map { RunEvent(sequence: applied.first + $0.offset, type: $0.element.type, data: $0.element.data) },
                savedDocument: applied.saved
            )
        }
    }

    /// One write's statements (cached: the same few run thousands of times a second); returns its first event's
    /// sequence and whether it replaced the document.
    private static func apply(
        _ db: Database, _ write: RunWrite, document: String?, callDocument: String?, eventTexts: [String], now: Double
    ) throws -> (first: Int, saved: Bool) {
        if let jobID = write.jobID {
            try db.cachedStatement(sql: "UPDATE task_runs SET job_id = ? WHERE id = ?").execute(arguments: [jobID, write.runID])
        }
        if let call = write.call, let callDocument {
            try db.cachedStatement(
                sql: """
                    INSERT INTO task_steps (run_id, step_id, status, document, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, document = excluded.document, updated_at = excluded.updated_at
                    """
            ).execute(arguments: [write.runID, call.stepID, call.status.rawValue, callDocument, now])
        }
        var saved = false
        if let run = write.run, let document {
            try db.cachedStatement(sql: "UPDATE task_runs SET status = ?, document = ?, updated_at = ? WHERE id = ? AND status <> 'cancelled'")
                .execute(arguments: [run.status.rawValue, document, now, run.id])
            saved = db.changesCount == 1
        }
        guard !write.events.isEmpty else { return (1, saved) }
        return (try appendEvents(db, runID: write.runID, write.events, texts: eventTexts, now: now), saved)
    }

    /// Appends `events` (their data already written as `texts`) after the run's last event; returns the first one's
    /// sequence number.
    static func appendEvents(_ db: Database, runID: String, _ events: [RunWrite.Event], texts: [String], now: Double) throws -> Int {
        let first = (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(sequence) FROM task_events WHERE run_id = ?"), arguments: [runID]) ?? 0) + 1
        let insert = try db.cachedStatement(sql: "INSERT INTO task_events (run_id, sequence, type, data, created_at) VALUES (?, ?, ?, ?, ?)")
        for (offset, event) in events.enumerated() {
            try insert.execute(arguments: [runID, first + offset, event.type, texts[offset], now])
        }
        return first
    }

    public func events(runID: String, after: Int) async throws -> [RunEvent] {
        try readHere { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT sequence, type, data FROM task_events WHERE run_id = ? AND sequence > ? ORDER BY sequence"), arguments: [runID, after]
            )
                .map { RunEvent(sequence: $0["sequence"], type: $0["type"], data: JSONValue(jsonText: $0["data"]) ?? .null) }
        }
    }

    public func deleteFinishedRuns(before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            let filter = "status IN ('succeeded', 'failed', 'cancelled') AND created_at < ?"
            try db.execute(sql: "DELETE FROM task_events WHERE run_id IN (SELECT id FROM task_runs WHERE \(filter))", arguments: [cutoff.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM task_steps WHERE run_id IN (SELECT id FROM task_runs WHERE \(filter))", arguments: [cutoff.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM task_runs WHERE \(filter)", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

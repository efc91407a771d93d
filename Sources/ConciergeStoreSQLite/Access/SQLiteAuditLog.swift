public import ConciergeCore
public import Foundation
import GRDB

/// The audit log in the SQLite file.
extension SQLiteStore: AuditLog {
    public func append(_ event: AuditEvent) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (created_at, actor, action, target, outcome, client_ip, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [event.time.timeIntervalSince1970, event.actor, event.action, event.target, event.outcome, event.clientIP, event.requestID]
            )
        }
    }

    public func events(_ query: AuditQuery) async throws -> [AuditEvent] {
        try await readAside { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let actor = query.actor { conditions.append("actor = ?"); arguments.append(actor) }
            if let action = query.action { conditions.append("action = ?"); arguments.append(action) }
            if let since = query.since { conditions.append("created_at >= ?"); arguments.append(since.timeIntervalSince1970) }
            if let until = query.until { conditions.append("created_at < ?"); arguments.append(until.timeIntervalSince1970) }
            if let before = query.before { conditions.append("id < ?"); arguments.append(before) }
            arguments.append(query.limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_log \(filter) ORDER BY id DESC LIMIT ?", arguments: StatementArguments(arguments))
                .map { row in
                    AuditEvent(
                        id: row["id"], time: Date(timeIntervalSince1970: row["created_at"]), actor: row["actor"], action: row["action"],
                        target: row["target"], outcome: row["outcome"], clientIP: row["client_ip"], requestID: row["request_id"]
                    )
                }
        }
    }

    public func purgeAudit(before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE created_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

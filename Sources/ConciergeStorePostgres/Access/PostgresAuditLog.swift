public import ConciergeCore
public import Foundation
import PostgresNIO

/// The audit log in PostgreSQL.
extension PostgresStore: AuditLog {
    public func append(_ event: AuditEvent) async throws {
        try await client.query(
            """
            INSERT INTO audit_log (created_at, actor, action, target, outcome, client_ip, request_id)
            VALUES (\(event.time), \(event.actor), \(event.action), \(event.target), \(event.outcome), \(event.clientIP), \(event.requestID))
            """,
            logger: logger
        )
    }

    public func events(_ query: AuditQuery) async throws -> [AuditEvent] {
        // NULL filters match everything, so one statement serves every combination.
        let rows = try await client.query(
            """
            SELECT id, created_at, actor, action, target, outcome, client_ip, request_id FROM audit_log
            WHERE (\(query.actor)::TEXT IS NULL OR actor = \(query.actor))
              AND (\(query.action)::TEXT IS NULL OR action = \(query.action))
              AND (\(query.since)::TIMESTAMPTZ IS NULL OR created_at >= \(query.since))
              AND (\(query.until)::TIMESTAMPTZ IS NULL OR created_at < \(query.until))
              AND (\(query.before)::BIGINT IS NULL OR id < \(query.before))
            ORDER BY id DESC LIMIT \(query.limit)
            """,
            logger: logger
        )
        var events: [AuditEvent] = []
        for try await (id, time, actor, action, target, outcome, ip, requestID) in rows.decode(
            (Int64, Date, String?, String, String?, String, String?, String?).self
        ) {
            events.append(AuditEvent(id: id, time: time, actor: actor, action: action, target: target, outcome: outcome, clientIP: ip, requestID: requestID))
        }
        return events
    }

    public func purgeAudit(before cutoff: Date) async throws -> Int {
        let rows = try await client.query("WITH gone AS (DELETE FROM audit_log WHERE created_at < \(cutoff) RETURNING 1) SELECT COUNT(*)::BIGINT FROM gone", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}

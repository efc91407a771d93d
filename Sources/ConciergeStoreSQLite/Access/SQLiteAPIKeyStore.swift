public import ConciergeCore
public import Foundation
import GRDB

/// API keys in the SQLite file (migration 5, `api_keys`).
extension SQLiteStore: APIKeyStore {
    public func createKey(_ record: APIKeyRecord) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM api_keys WHERE id = ?", arguments: [record.id]) == true {
                throw AccessError.duplicateKey(record.id)
            }
            try db.execute(
                sql: """
                    INSERT INTO api_keys (id, name, role, secret_hash, previous_secret_hash, previous_hash_expires_at, rpm, tpm,
                        budget_day_micro_usd, budget_month_micro_usd, created_at, expires_at, revoked_at, last_used_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.name, record.role.rawValue, record.secretHash, record.previousSecretHash,
                    record.previousHashExpiresAt?.timeIntervalSince1970, record.limits.requestsPerMinute, record.limits.tokensPerMinute,
                    record.limits.budgetPerDay?.value, record.limits.budgetPerMonth?.value, record.createdAt.timeIntervalSince1970,
                    record.expiresAt?.timeIntervalSince1970, record.revokedAt?.timeIntervalSince1970, record.lastUsedAt?.timeIntervalSince1970,
                ]
            )
        }
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        try readHere { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(Self.keyRecord)
        }
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        try await readAside { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at, id").map(Self.keyRecord)
        }
    }

    public func revokeKey(id: String, at time: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                arguments: [time.timeIntervalSince1970, id]
            )
            return db.changesCount > 0
        }
    }

    public func rotateKey(id: String, newHash: String, graceUntil: Date?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE api_keys SET previous_secret_hash = CASE WHEN ? IS NULL THEN NULL ELSE secret_hash END,
                        previous_hash_expires_at = ?, secret_hash = ?
                    WHERE id = ? AND revoked_at IS NULL
                    """,
                arguments: [graceUntil?.timeIntervalSince1970, graceUntil?.timeIntervalSince1970, newHash, id]
            )
            return db.changesCount > 0
        }
    }

    public func touchKey(id: String, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [time.timeIntervalSince1970, id])
        }
    }

    private static func keyRecord(_ row: Row) -> APIKeyRecord {
        func date(_ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
        return APIKeyRecord(
            id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .user, secretHash: row["secret_hash"],
            limits: KeyLimits(
                requestsPerMinute: row["rpm"], tokensPerMinute: row["tpm"],
                budgetPerDay: (row["budget_day_micro_usd"] as Int64?).map(MicroUSD.init),
                budgetPerMonth: (row["budget_month_micro_usd"] as Int64?).map(MicroUSD.init)
            ),
            createdAt: date("created_at") ?? Date(timeIntervalSince1970: 0), expiresAt: date("expires_at"), revokedAt: date("revoked_at"),
            lastUsedAt: date("last_used_at"), previousSecretHash: row["previous_secret_hash"],
            previousHashExpiresAt: date("previous_hash_expires_at")
        )
    }
}

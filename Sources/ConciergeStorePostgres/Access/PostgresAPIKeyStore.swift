public import ConciergeCore
public import Foundation
import PostgresNIO

/// API keys in PostgreSQL (migration 5, `api_keys`).
extension PostgresStore: APIKeyStore {
    public func createKey(_ record: APIKeyRecord) async throws {
        let rows = try await client.query(
            """
            INSERT INTO api_keys (id, name, role, secret_hash, previous_secret_hash, previous_hash_expires_at, rpm, tpm,
                budget_day_micro_usd, budget_month_micro_usd, created_at, expires_at, revoked_at, last_used_at)
            VALUES (\(record.id), \(record.name), \(record.role.rawValue), \(record.secretHash), \(record.previousSecretHash),
                \(record.previousHashExpiresAt), \(record.limits.requestsPerMinute), \(record.limits.tokensPerMinute),
                \(record.limits.budgetPerDay?.value), \(record.limits.budgetPerMonth?.value), \(record.createdAt), \(record.expiresAt),
                \(record.revokedAt), \(record.lastUsedAt))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows { return }
        throw AccessError.duplicateKey(record.id)
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        let rows = try await client.query("SELECT * FROM api_keys WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Self.keyRecord(row.makeRandomAccess()) }
        return nil
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        var result: [APIKeyRecord] = []
        for try await row in try await client.query("SELECT * FROM api_keys ORDER BY created_at, id", logger: logger) {
            result.append(try Self.keyRecord(row.makeRandomAccess()))
        }
        return result
    }

    public func revokeKey(id: String, at time: Date) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, \(time)) WHERE id = \(id) RETURNING id", logger: logger
        )
        for try await _ in rows { return true }
        return false
    }

    public func rotateKey(id: String, newHash: String, graceUntil: Date?) async throws -> Bool {
        let keepOld = graceUntil != nil
        let rows = try await client.query(
            """
            UPDATE api_keys SET previous_secret_hash = CASE WHEN \(keepOld) THEN secret_hash ELSE NULL END,
                previous_hash_expires_at = \(graceUntil), secret_hash = \(newHash)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows { return true }
        return false
    }

    public func touchKey(id: String, at time: Date) async throws {
        try await client.query("UPDATE api_keys SET last_used_at = \(time) WHERE id = \(id)", logger: logger)
    }

    static func keyRecord(_ row: PostgresRandomAccessRow) throws -> APIKeyRecord {
        func value<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
            try row[column].decode(T.self, context: .default)
        }
        let rpm = try value("rpm", Int64?.self)
        let tpm = try value("tpm", Int64?.self)
        return APIKeyRecord(
            id: try value("id"), name: try value("name"), role: Role(rawValue: try value("role")) ?? .user,
            secretHash: try value("secret_hash"),
            limits: KeyLimits(
                requestsPerMinute: rpm.map { Int($0) }, tokensPerMinute: tpm.map { Int($0) },
                budgetPerDay: try value("budget_day_micro_usd", Int64?.self).map(MicroUSD.init),
                budgetPerMonth: try value("budget_month_micro_usd", Int64?.self).map(MicroUSD.init)
            ),
            createdAt: try value("created_at"), expiresAt: try value("expires_at"), revokedAt: try value("revoked_at"),
            lastUsedAt: try value("last_used_at"), previousSecretHash: try value("previous_secret_hash"),
            previousHashExpiresAt: try value("previous_hash_expires_at")
        )
    }
}

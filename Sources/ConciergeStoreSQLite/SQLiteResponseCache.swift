public import ConciergeCore
public import Foundation
import GRDB

/// The response cache in the SQLite file (migration 3, `llm_response_cache`).
extension SQLiteStore: ResponseCache {
    public func cachedResponse(key: String, request: String, now: Date) async throws -> ChatResponse? {
        let text = try readHere { db in
            try String.fetchOne(
                db, sql: "SELECT response FROM llm_response_cache WHERE key = ? AND request = ? AND expires_at > ?",
                arguments: [key, request, now.timeIntervalSince1970]
            )
        }
        return text.flatMap { try? JSONDecoder().decode(ChatResponse.self, from: Data($0.utf8)) }
    }

    public func storeResponse(_ response: ChatResponse, key: String, request: String, expiresAt: Date, now: Date) async throws {
        let text = String(decoding: try JSONEncoder().encode(response), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO llm_response_cache (key, request, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET request = excluded.request, response = excluded.response,
                        created_at = excluded.created_at, expires_at = excluded.expires_at
                    """,
                arguments: [key, request, text, now.timeIntervalSince1970, expiresAt.timeIntervalSince1970]
            )
        }
    }

    @discardableResult
    public func purgeExpiredResponses(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM llm_response_cache WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

public import ConciergeCore
public import Foundation
import PostgresNIO

/// The response cache in PostgreSQL (migration 3, `llm_response_cache`), shared by every replica.
extension PostgresStore: ResponseCache {
    public func cachedResponse(key: String, request: String, now: Date) async throws -> ChatResponse? {
        let rows = try await client.query(
            "SELECT response FROM llm_response_cache WHERE key = \(key) AND request = \(request) AND expires_at > \(now)", logger: logger
        )
        for try await text in rows.decode(String.self) {
            return try? JSONDecoder().decode(ChatResponse.self, from: Data(text.utf8))
        }
        return nil
    }

    public func storeResponse(_ response: ChatResponse, key: String, request: String, expiresAt: Date, now: Date) async throws {
        let text = String(decoding: try JSONEncoder().encode(response), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO llm_response_cache (key, request, response, created_at, expires_at) VALUES (\(key), \(request), \(text), \(now), \(expiresAt))
            ON CONFLICT (key) DO UPDATE SET request = EXCLUDED.request, response = EXCLUDED.response,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
            """,
            logger: logger
        )
    }

    @discardableResult
    public func purgeExpiredResponses(now: Date) async throws -> Int {
        let rows = try await client.query(
            "WITH deleted AS (DELETE FROM llm_response_cache WHERE expires_at <= \(now) RETURNING 1) SELECT COUNT(*)::BIGINT FROM deleted",
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

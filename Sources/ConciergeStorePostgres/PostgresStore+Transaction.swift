package import PostgresNIO

extension PostgresStore {
    /// Runs `body` in a transaction; an error thrown by `body` reaches the caller as itself, not wrapped in
    /// `PostgresTransactionError` (whose begin/commit failures are rethrown as they are).
    package func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }
}

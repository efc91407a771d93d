/// One versioned schema step. Each backend lists its own SQL under the same versions and names.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    /// Statements run in one transaction, in order.
    public var statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Decides which migrations to run, shared by both backends so they refuse and apply alike.
public enum MigrationPlanner {
    /// The migrations still to apply, in order.
    /// - Throws: ``StoreError/schemaTooNew(found:known:)`` when the database holds a version this binary does not know.
    public static func pending(applied: [Int], known: [Migration]) throws -> [Migration] {
        let latestKnown = known.map(\.version).max() ?? 0
        if let newest = applied.max(), newest > latestKnown {
            throw StoreError.schemaTooNew(found: newest, known: latestKnown)
        }
        let done = Set(applied)
        return known.filter { !done.contains($0.version) }.sorted { $0.version < $1.version }
    }
}

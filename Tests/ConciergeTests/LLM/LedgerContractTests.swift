import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

/// The same ledger and cache contract on both stores.
@Suite struct LedgerContractTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func row(_ requestID: String?, attempt: Int = 1, outcome: UsageOutcome = .success, at time: Date, estimated: Bool = false) -> UsageRecord {
        var row = UsageRecord(
            time: time, operation: "chat", requestID: requestID, callerID: nil, alias: "default", deployment: "openai", model: "gpt-test",
            attempt: attempt, usage: TokenUsage(promptTokens: 100, completionTokens: 20, cachedTokens: 5, estimated: estimated),
            cost: MicroUSD(1234), latencyMilliseconds: 87, timeToFirstTokenMilliseconds: attempt == 1 ? nil : 12, outcome: outcome,
            errorKind: outcome == .success ? nil : "server"
        )
        row.runID = "run-1"
        return row
    }

    static func contract(_ ledger: some UsageLedger & ResponseCache) async throws {
        // Given three attempts of one request and one of another
        let base = Date(timeIntervalSince1970: 1_750_000_000.25)
        let failed = row("r1", attempt: 1, outcome: .error, at: base)
        let retried = row("r1", attempt: 2, at: base.addingTimeInterval(1), estimated: true)
        try await ledger.record(failed)
        try await ledger.record(retried)
        try await ledger.record(row("r2", at: base.addingTimeInterval(2)))
        try await ledger.record(row(nil, outcome: .cancelled, at: base.addingTimeInterval(3)))
        // Then rows read back field for field, newest first
        let r1 = try await ledger.records(UsageQuery(requestID: "r1"))
        #expect(r1.map(\.id) == [retried.id, failed.id])
        #expect(r1.first?.estimated == true)
        #expect(r1.first?.timeToFirstTokenMilliseconds == 12)
        #expect(r1.last?.errorKind == "server" && r1.last?.callerID == nil && r1.last?.runID == "run-1")
        #expect(abs((r1.last?.time.timeIntervalSince1970 ?? 0) - base.timeIntervalSince1970) < 0.001)
        #expect(try await ledger.records(UsageQuery(limit: 2)).count == 2)
        // And totals add up exactly in integer micro-USD
        let totals = try await ledger.totals(since: nil)
        #expect(totals == UsageTotals(rows: 4, promptTokens: 400, completionTokens: 80, cachedTokens: 20, cost: MicroUSD(4936)))
        #expect(try await ledger.totals(since: base.addingTimeInterval(2)).rows == 2)

        // The cache answers only an exact, unexpired match
        let answer = ChatResponse(id: "x", model: "m", content: "cached", toolCalls: [ToolCall(id: "c", name: "f", arguments: "{}")], finishReason: .stop, usage: TokenUsage(promptTokens: 1, completionTokens: 2))
        try await ledger.storeResponse(answer, key: "k1", request: "{req}", expiresAt: base.addingTimeInterval(60), now: base)
        #expect(try await ledger.cachedResponse(key: "k1", request: "{req}", now: base.addingTimeInterval(59)) == answer)
        #expect(try await ledger.cachedResponse(key: "k1", request: "{other}", now: base) == nil)
        #expect(try await ledger.cachedResponse(key: "k1", request: "{req}", now: base.addingTimeInterval(61)) == nil)
        #expect(try await ledger.purgeExpiredResponses(now: base.addingTimeInterval(61)) == 1)
    }

    @Test func sqlite() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory + "/c.sqlite", logger: Self.logger)
            let report = try await store.migrate()
            #expect(report.applied.contains(AppliedMigration(version: 3, name: "create_llm_ledger")))
            try await Self.contract(store)
            try await store.close()
        }
    }

    @Test func sqliteFromTheLedgerWriterThread() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a store whose ledger rows are written from a thread 10 nice steps below the process
            let store = try SQLiteStore(path: directory + "/c.sqlite", ledgerWriterNice: 10, logger: Self.logger)
            _ = try await store.migrate()
            let writer = try #require(store.ledgerWriter)
            // Then the contract holds through it
            try await Self.contract(store)
            // And GRDB's synchronous write ran on that thread, at its nice value
            errno = 0
            let processNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            #expect(errno == 0)
            let inWrite = try await writer.run { [pool = store.pool] in
                try pool.write { _ in getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
            }
            #expect(writer.priorityError == 0)
            #expect(inWrite == min(19, processNice + 10))
            try await store.close()
        }
    }

    @Test func postgres() async throws {
        try await TestPostgres.withStore(logger: Self.logger) { store in
            let report = try await store.migrate()
            #expect(report.applied.contains(AppliedMigration(version: 3, name: "create_llm_ledger")))
            try await Self.contract(store)
        }
    }

    @Test func inMemory() async throws {
        try await Self.contract(InMemoryUsageLedger())
    }

    /// Counts the writes that reach the ledger behind a group commit.
    final class CountingLedger: UsageLedger {
        let base = InMemoryUsageLedger()
        let writes = Mutex(0)
        func record(_ records: [UsageRecord]) async throws {
            writes.withLock { $0 += 1 }
            try await base.record(records)
        }
        func records(_ query: UsageQuery) async throws -> [UsageRecord] { try await base.records(query) }
        func totals(since: Date?) async throws -> UsageTotals { try await base.totals(since: since) }
    }

    @Test func groupCommitWritesEveryRowOnceAndBatchesConcurrentCallers() async throws {
        // Given 500 concurrent callers
        let counting = CountingLedger()
        let ledger = GroupCommitLedger(counting)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<500 {
                group.addTask { try await ledger.record(Self.row("r\(index)", at: Date())) }
            }
            try await group.waitForAll()
        }
        // Then every row is there exactly once, and there were fewer writes than rows (batched)
        let rows = try await ledger.records(UsageQuery(limit: 10_000))
        #expect(rows.count == 500)
        #expect(Set(rows.compactMap(\.requestID)).count == 500)
        #expect(counting.writes.withLock { $0 } <= 500)
        #expect(try await ledger.totals(since: nil).rows == 500)
    }
}

import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Logging
import Testing

/// The real binary writes ledger rows behind the response and loses none on a graceful stop.
@Suite struct LedgerShutdownFlushTests {
    @Test func rowsQueuedBehindTheResponseAreWrittenAtGracefulShutdown() async throws {
        try await ProviderFixture().withServer { base in
            try await TemporaryDirectory.with { directory in
                // Given a server whose flusher would not write for a long time (10 s, the setting's maximum)
                let started = ContinuousClock.now
                let server = try ConciergeProcess(
                    ["serve"],
                    environment: [
                        "CONCIERGE_PORT": "0", "CONCIERGE_AUTH": "off", "CONCIERGE_DATA_DIR": directory + "/data",
                        "CONCIERGE_LLM_BASE_URL": base + "/ok", "CONCIERGE_LLM_MODEL": "gpt-4o-mini", "CONCIERGE_LLM_LEDGER_FLUSH_MS": "10000",
                    ],
                    directory: directory
                )
                let port = try await server.waitUntilServing()
                defer { server.kill(SIGKILL) }
                // When 12 calls are answered
                for index in 0..<12 {
                    let answer = try await HTTPProbe.request(
                        port: port, "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                        body: #"{"model":"default","messages":[{"role":"user","content":"call \#(index)"}]}"#
                    )
                    #expect(answer.status == .ok)
                }
                let store = try SQLiteStore(path: directory + "/data/concierge.sqlite", logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
                // Then none is written yet (the answer did not wait for its row), and all 12 are after SIGTERM.
                // "Not yet" can only be checked while the flusher's first tick is surely ahead: a machine loaded enough
                // to take 9 s for the start and 12 calls (a full parallel test run on 2 busy cores) skips that part.
                if ContinuousClock.now - started < .seconds(9) {
                    #expect(try await store.records(UsageQuery()).isEmpty)
                }
                server.signal(SIGTERM)
                #expect(await server.waitForExit(timeout: .seconds(20)) == 0)
                let rows = try await store.records(UsageQuery())
                try await store.close()
                #expect(rows.count == 12)
                #expect(Set(rows.compactMap(\.requestID)).count == 12 && rows.allSatisfy { $0.outcome == .success })
            }
        }
    }
}

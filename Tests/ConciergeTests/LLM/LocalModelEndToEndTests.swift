import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Logging
import Testing

/// Concierge (the real binary) in front of a real model server: the local model in CI
/// (`scripts/local-model`, then `CONCIERGE_TEST_LLM_URL=http://127.0.0.1:8081/v1`). Checks structure, never wording.
@Suite(.serialized) struct LocalModelEndToEndTests {
    static let variable = "CONCIERGE_TEST_LLM_URL"

    static func requireURL() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[variable], !url.isEmpty { return url }
        if environment["CI"] == "true" {
            Issue.record("\(variable) is not set under CI: start scripts/local-model and set it")
            throw ConciergeProcessError.didNotStart(output: "")
        }
        try Test.cancel("skipped: no model server (set \(variable), e.g. http://127.0.0.1:8081/v1 after scripts/local-model)")
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A `concierge serve` in front of the local model (auth off, SQLite in a temporary directory).
    static func withServer(_ body: (_ port: Int, _ directory: String, _ model: String) async throws -> Void) async throws {
        let url = try requireURL()
        try await TemporaryDirectory.with { directory in
            let model = ProcessInfo.processInfo.environment["CONCIERGE_TEST_LLM_MODEL"] ?? "SmolLM2-135M-Instruct"
            let server = try ConciergeProcess(
                ["serve"],
                environment: [
                    "CONCIERGE_PORT": "0", "CONCIERGE_AUTH": "off", "CONCIERGE_DATA_DIR": directory + "/data", "CONCIERGE_LLM_BASE_URL": url,
                    "CONCIERGE_LLM_MODEL": model, "CONCIERGE_LLM_TIMEOUT_S": "120",
                ],
                directory: directory
            )
            let port = try await server.waitUntilServing()
            defer { server.kill(SIGKILL) }
            try await body(port, directory, model)
        }
    }

    @Test func plainStreamedAndSchemaCallsAreAnsweredLedgeredAndCounted() async throws {
        try await Self.withServer { port, directory, model in

            // Plain
            let plain = try await HTTPProbe.request(
                port: port, "/v1/chat/completions", method: .post, headers: Self.json,
                body: #"{"model":"default","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}"#, timeout: .seconds(180)
            )
            #expect(plain.status == .ok)
            let completion = try Self.object(plain.body)
            let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
            #expect((choice["message"] as? [String: Any])?["content"] is String)
            #expect(((completion["usage"] as? [String: Any])?["prompt_tokens"] as? Int ?? 0) > 0)

            // Streamed
            let streamed = try await HTTPProbe.request(
                port: port, "/v1/chat/completions", method: .post, headers: Self.json,
                body: #"{"model":"default","max_tokens":16,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Count to three."}]}"#, timeout: .seconds(180)
            )
            let events = streamed.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            #expect(events.contains { $0.contains(#""finish_reason":"#) && !$0.contains(#""finish_reason":null"#) })
            #expect(events.contains { $0.contains(#""prompt_tokens""#) })

            // json_schema: the answer parses and has the required key
            let schema = #"{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"#
            let structured = try await HTTPProbe.request(
                port: port, "/v1/chat/completions", method: .post, headers: Self.json,
                body: #"{"model":"default","max_tokens":48,"temperature":0,"response_format":{"type":"json_schema","json_schema":{"name":"city","schema":\#(schema)}},"messages":[{"role":"user","content":"Name a city in France."}]}"#, timeout: .seconds(180)
            )
            let content = try #require(((try Self.object(structured.body)["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
            #expect(try Self.object(content)["city"] is String)

            // The ledger has one successful row per call, with tokens; the metrics counted them
            let metrics = try await HTTPProbe.request(port: port, "/metrics").body
            #expect(metrics.contains(#"concierge_llm_requests_total{deployment="env",model="\#(model)",outcome="success"} 3"#))
            #expect(metrics.contains("concierge_llm_time_to_first_token_seconds"))
            let store = try SQLiteStore(path: directory + "/data/concierge.sqlite", logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
            // Rows are written behind the response (llm.ledger_flush_ms)
            #expect(try await eventually { try await store.records(UsageQuery()).count >= 3 })
            let rows = try await store.records(UsageQuery())
            try await store.close()
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { $0.outcome == .success && $0.promptTokens > 0 && $0.deployment == "env" })
            #expect(Set(rows.map(\.operation)) == ["chat", "chat.stream"])
            #expect(rows.first { $0.operation == "chat.stream" }?.timeToFirstTokenMilliseconds != nil)
        }
    }

    /// `scripts/local-model` serves embeddings beside chat, so `/v1/embeddings` works through the local deployment.
    @Test func embeddingsAreAnsweredByTheLocalModelAndLedgered() async throws {
        try await Self.withServer { port, directory, model in

            // When two inputs are embedded through the default alias
            let answer = try await HTTPProbe.request(
                port: port, "/v1/embeddings", method: .post, headers: Self.json,
                body: #"{"model":"default","input":["The cat sat on the mat.","Paris is in France."]}"#, timeout: .seconds(180)
            )

            // Then two vectors of the same non-zero dimension come back, with usage, and one ledger row
            #expect(answer.status == .ok)
            let body = try Self.object(answer.body)
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count == 2)
            let vectors = data.compactMap { $0["embedding"] as? [Double] }
            #expect(vectors.count == 2)
            #expect((vectors.first?.count ?? 0) > 0 && vectors.first?.count == vectors.last?.count)
            #expect(vectors.first != vectors.last)
            let store = try SQLiteStore(path: directory + "/data/concierge.sqlite", logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
            #expect(try await eventually { try await !store.records(UsageQuery()).isEmpty })
            let rows = try await store.records(UsageQuery())
            try await store.close()
            #expect(rows.count == 1)
            #expect(rows.first?.operation == "embeddings" && rows.first?.outcome == .success && rows.first?.deployment == "env")
        }
    }
}

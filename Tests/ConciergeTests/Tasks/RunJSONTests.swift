import ConciergeCore
import Foundation
import Testing

/// The hand-written run codec must read and write exactly what the `Codable` forms do.
@Suite struct RunJSONTests {
    static func fullRun(finishedAt: Date?) -> TaskRun {
        var run = TaskRun(
            id: "task_0001", request: TaskRequest(task: "weather \"Paris\"/London", outputSchema: ["type": "object"], planner: .llm,
                                                  metadata: ["tag": "x", "n": 2.5], owner: "key_1"),
            status: .failed, createdAt: Date(timeIntervalSince1970: 1_763_799_821.123)
        )
        run.plan = Plan(steps: [PlanStep(id: "s1", tool: "weather", arguments: ["place": "Paris"], dependsOn: [], purpose: "p"),
                                PlanStep(id: "s2", tool: "calculator", arguments: ["expression": "${s1.temp} * 2"], dependsOn: ["s1"], purpose: "q")],
                        planner: "llm")
        run.steps = [
            ToolCallRecord(stepID: "s1", tool: "weather", arguments: ["place": "Paris"], status: .succeeded,
                           output: ToolOutput(text: "12 °C", data: ["temp": 12, "list": [1, .null, true]], sources: ["https://x/y"]),
                           attempts: 2, durationMs: 31, idempotencyKey: "task_0001:s1", cached: true),
            ToolCallRecord(stepID: "s2", tool: "calculator", arguments: [:], status: .failed, error: "bad\nline", errorKind: "final",
                           attempts: 1, durationMs: 0, idempotencyKey: "task_0001:s2"),
        ]
        run.answer = TaskAnswer(text: "12 °C", result: ["s1": ["temp": 12]], sources: ["step:s1"])
        run.verification = Verification(verdict: .fail, method: "llm", reasons: ["no", "reasons"])
        run.usage = RunUsage(promptTokens: 10, completionTokens: 5, costMicroUSD: 1234, llmCalls: 2, toolCalls: 2)
        run.error = "verification failed"
        run.errorCode = .needsAttention
        run.replans = 1
        run.startedAt = Date(timeIntervalSince1970: 1_763_799_821.9996)
        run.finishedAt = finishedAt
        return run
    }

    static let runs = [fullRun(finishedAt: Date(timeIntervalSince1970: 1_763_799_822.5)), fullRun(finishedAt: nil),
                       TaskRun(id: "task_2", request: TaskRequest(task: "t"), createdAt: Date(timeIntervalSince1970: 0))]

    @Test func storedDocumentsReadBackTheSameEitherWay() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        for run in Self.runs {
            let byCodable = try decoder.decode(TaskRun.self, from: encoder.encode(run))
            // Written by hand, read by Codable; written by Codable, read by hand
            #expect(try decoder.decode(TaskRun.self, from: Data(RunJSON.encode(run).jsonText.utf8)) == byCodable)
            let text = String(decoding: try encoder.encode(run), as: UTF8.self)
            #expect(try RunJSON.decodeRun(#require(JSONValue(jsonText: text))) == byCodable)
            #expect(try RunCoding.decode(TaskRun.self, RunCoding.encode(run)) == byCodable)
            for call in run.steps {
                #expect(try RunCoding.decode(ToolCallRecord.self, RunCoding.encode(call)) == call)
                #expect(try decoder.decode(ToolCallRecord.self, from: Data(RunCoding.encode(call).utf8)) == call)
            }
        }
    }

    @Test func apiFormIsWhatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        for run in Self.runs {
            #expect(RunJSON.encode(run, dates: .iso8601).jsonText == String(decoding: try encoder.encode(run), as: UTF8.self))
        }
        for seconds in [-86_400.5, 0, 951_782_400, 1_709_208_000.999, 4_102_444_800] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect("\"\(ISO8601Text.string(date))\"" == String(decoding: try encoder.encode(date), as: UTF8.self))
        }
    }

    @Test func theDirectWriterWritesWhatTheTreeDoes() {
        var ownerOnly = Self.runs[2]
        ownerOnly.request.owner = "key_2"
        ownerOnly.answer = TaskAnswer(text: "t", result: .null, sources: [])
        for run in Self.runs + [ownerOnly] {
            #expect(RunJSON.text(run) == RunJSON.encode(run).jsonText)
            #expect(RunJSON.text(run, dates: .iso8601) == RunJSON.encode(run, dates: .iso8601).jsonText)
            for call in run.steps { #expect(RunJSON.text(call) == RunJSON.encode(call).jsonText) }
        }
    }

    @Test func aDocumentMissingAFieldIsAnError() throws {
        var json = RunJSON.encode(Self.runs[0])
        guard case .object(var object) = json else { return }
        object["usage"] = nil
        json = .object(object)
        #expect(throws: RunJSON.Invalid.self) { try RunJSON.decodeRun(json) }
        #expect(throws: (any Error).self) { try RunCoding.decode(TaskRun.self, "{not json") }
    }

    @Test func parserAcceptsJSONAndRejectsTheRest() {
        #expect(JSONValue(jsonText: " {\"a\" : [1, -0, 1e3, 1E+2, 2.5e-1, \"\\ud83d\\ude42\\u00e9\\/\"] } ") == ["a": [1, 0, 1000, 100, 0.25, "🙂é/"]])
        #expect(JSONValue(jsonText: "12345678901234567890") == .number(Double("12345678901234567890")!))
        for bad in Self.notJSON {
            #expect(JSONValue(jsonText: bad) == nil, "\(bad)")
        }
        #expect(JSONValue(jsonText: Self.nested(600)) == nil)
        #expect(JSONValue(jsonText: Self.nested(100)) != nil)
    }

    static let notJSON = [
        "", "{", "[1,]", "01", "1.", "-", "\"\\x\"", "tru", "{\"a\" 1}", "\"a\u{01}\"", "1 2", "\"\\ud83d\"", "{\"a\":1,}", "[", "nul",
        "{\"a\":}", "{1:2}", "[1 2]", "\"abc", "{\"a\":[\"x\" ]", "\"\\u12g4\"", "{\"a\":\"\\udc00\"}",
    ]

    static func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }

    /// `JSONCursor.skip` checks a value without building it: it must refuse exactly what the parser refuses.
    @Test func skippingRefusesWhatParsingRefuses() {
        let good = [
            " {\"a\" : [1, -0, 1e3, 1E+2, 2.5e-1, \"\\ud83d\\ude42\\u00e9\\/\"] } ", "\"chat.completion.chunk\"", "\"héllo \\\"q\\\"\"",
            "{}", "[]", "[{\"a\":{\"b\":[true,false,null]}}]", "12345678901234567890", Self.nested(100),
        ]
        for text in good + Self.notJSON + [Self.nested(600)] {
            let parsed = JSONValue(jsonText: text) != nil
            let skipped = (try? JSONCursor.read(text) { try $0.skip() }) != nil
            #expect(skipped == parsed, "\(text): parsed \(parsed), skipped \(skipped)")
        }
    }

    /// An object's keys as the cursor matches them: in place when plain ASCII, decoded when escaped or not ASCII, and
    /// refused where the parser refuses them.
    @Test func cursorKeysMatchAsTheirText() throws {
        let object = #"{"id":1,"\u0069d":2,"caf\u00e9":3,"café":4,"i":5,"idx":6,"":7,"a\"b":8}"#
        var seen: [(String, Bool, Bool)] = []
        try JSONCursor.read(object) { cursor in
            try cursor.object { cursor, key in
                seen.append((key.text, key == "id", key == "café"))
                try cursor.skip()
            }
        }
        #expect(seen.map(\.0) == ["id", "id", "café", "café", "i", "idx", "", "a\"b"])
        #expect(seen.map(\.1) == [true, true, false, false, false, false, false, false])
        #expect(seen.map(\.2) == [false, false, true, true, false, false, false, false])
        for broken in ["{\"a\u{1}\":1}", #"{"a"#, #"{"a\q":1}"#, #"{"\ud800":1}"#, "{\"a\"1}"] {
            #expect(JSONValue(jsonText: broken) == nil)
            #expect((try? JSONCursor.read(broken) { try $0.object { cursor, _ in try cursor.skip() } }) == nil, "\(broken)")
        }
    }
}

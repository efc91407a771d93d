import ConciergeCore
import ConciergeHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct LoggingTests {
    @Test func jsonLinesCarryTheRequiredFields() throws {
        let output = LogOutput.capture()
        var logger = capturingLogger(output)
        logger[metadataKey: "request.id"] = "req-1"
        logger.info("Something happened", metadata: ["job.id": "42", "count": .stringConvertible(3), "tags": ["a", "b"]])
        let line = try #require(parsedLines(output).first)
        #expect(line["message"] as? String == "Something happened")
        #expect(line["level"] as? String == "info")
        #expect(line["service"] as? String == "concierge")
        #expect(line["request_id"] as? String == "req-1")
        #expect(line["job.id"] as? String == "42")
        #expect(line["count"] as? Int == 3)
        #expect(line["tags"] as? [String] == ["a", "b"])
        let timestamp = try #require(line["timestamp"] as? String)
        #expect(timestamp.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil)
    }

    /// The request ids live beside the metadata dictionary: they read back, copies keep their own, an event's
    /// `request.id` wins over the logger's, and the logger's other keys still join the event's.
    @Test func requestIDsReadBackAndMergeWithTheLinesMetadata() {
        let output = LogOutput.capture()
        var logger = capturingLogger(output)
        logger[metadataKey: "hb.request.id"] = "hb-1"
        logger[metadataKey: "request.id"] = "req-1"
        logger[metadataKey: "auth.key_id"] = "key-9"
        var copy = logger
        copy[metadataKey: "request.id"] = "req-2"
        #expect(logger[metadataKey: "hb.request.id"]?.description == "hb-1")
        #expect(logger[metadataKey: "request.id"]?.description == "req-1")
        #expect(copy[metadataKey: "request.id"]?.description == "req-2")

        logger.info("first", metadata: ["n": .stringConvertible(1)])
        copy.info("second")
        logger.info("third", metadata: ["request.id": "req-3", "auth.key_id": "key-override"])
        let lines = parsedLines(output)
        #expect(lines.map { $0["request_id"] as? String } == ["req-1", "req-2", "req-3"])
        #expect(lines.map { $0["auth.key_id"] as? String } == ["key-9", "key-9", "key-override"])
        #expect(lines[0]["n"] as? Int == 1)
        #expect(lines.allSatisfy { $0["hb.request.id"] == nil && $0["request.id"] == nil })

        logger[metadataKey: "request.id"] = nil
        logger.info("fourth")
        #expect(parsedLines(output).last?["request_id"] == nil)
    }

    struct Digits: CustomStringConvertible, Sendable { var description: String { "123" } }

    /// Numbers are written as JSON numbers, anything else (a non-finite double, a non-numeric type that prints digits)
    /// as a scrubbed string.
    @Test func numericMetadataIsWrittenAsNumbers() throws {
        let output = LogOutput.capture()
        capturingLogger(output).info("m", metadata: [
            "int": .stringConvertible(200), "double": .stringConvertible(12.5), "whole": .stringConvertible(3.0),
            "small": .stringConvertible(UInt16(7)), "inf": .stringConvertible(Double.infinity), "nan": .stringConvertible(Double.nan),
            "digits": .stringConvertible(Digits()), "card": .stringConvertible("4111 1111 1111 1111"),
        ])
        let line = try #require(output.lines.first)
        for fragment in [#""int":200"#, #""double":12.5"#, #""whole":3.0"#, #""small":7"#, #""inf":"inf""#, #""nan":"nan""#, #""digits":"123""#, #""card":"[CARD]""#] {
            #expect(line.contains(fragment), "\(fragment) in \(line)")
        }
    }

    @Test func levelFiltersLines() {
        let output = LogOutput.capture()
        let logger = capturingLogger(output, level: .warning)
        logger.info("hidden")
        logger.warning("shown")
        #expect(output.lines.count == 1)
    }

    @Test func controlCharactersAndQuotesStayValidJSON() throws {
        let output = LogOutput.capture()
        capturingLogger(output).info("quote \" backslash \\ newline \n tab \t bell \u{7}")
        let line = try #require(parsedLines(output).first)
        #expect(line["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7}")
    }

    @Test func textFormatIsOneReadableLine() {
        let output = LogOutput.capture()
        let logger = Logger(label: "t") { JSONLogHandler(label: $0, level: .info, format: .text, output: output) }
        logger.info("hello", metadata: ["k": "v"])
        #expect(output.lines.count == 1)
        #expect(output.lines[0].contains("INFO hello k=v"))
    }

    @Test func credentialsAreScrubbed() throws {
        let output = LogOutput.capture()
        capturingLogger(output).error(
            "failed", metadata: ["url": "postgres://user:s3cretpw@db:5432/x", "auth": "Bearer abc.def.ghi", "key": "sk-ABCDEFGHIJKLMNOP"]
        )
        let text = output.lines.joined()
        #expect(!text.contains("s3cretpw"))
        #expect(!text.contains("abc.def.ghi"))
        #expect(!text.contains("ABCDEFGHIJKLMNOP"))
    }

    @Test func oneAccessLinePerRequestWithoutBodiesOrAuthorization() async throws {
        let output = LogOutput.capture()
        let app = Application(router: buildRouter(.test(), extraRoutes: addTestRoutes), logger: capturingLogger(output))
        try await app.test(.router) { client in
            _ = try await client.execute(
                uri: "/test/echo", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer topsecret-token", HTTPField.Name("X-Request-ID")!: "trace-77"],
                body: ByteBuffer(string: #"{"name":"private-body-text","count":1}"#)
            )
        }
        let access = parsedLines(output).filter { ($0["message"] as? String) == "request" }
        #expect(access.count == 1)
        let line = try #require(access.first)
        #expect(line["http.method"] as? String == "POST")
        #expect(line["http.route"] as? String == "/test/echo")
        #expect(line["http.status"] as? Int == 200)
        #expect(line["duration_ms"] as? Double != nil)
        #expect(line["bytes"] as? Int != nil)
        #expect(line["request_id"] as? String == "trace-77")
        #expect(line["hb.request.id"] == nil, "one request id per line: Concierge's")
        let all = output.lines.joined()
        #expect(!all.contains("topsecret-token"))
        #expect(!all.contains("private-body-text"))
    }
}

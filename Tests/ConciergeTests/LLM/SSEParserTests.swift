@testable import ConciergeLLM
import Testing

@Suite struct SSEParserTests {
    static func parse(_ chunks: [[UInt8]]) -> [SSEEvent] {
        var parser = SSEParser()
        return chunks.flatMap { parser.feed($0) }
    }

    @Test func parsesDataEventsAndSkipsComments() {
        let events = Self.parse([Array(": keep-alive\n\ndata: one\n\nevent: ping\ndata: {}\n\n".utf8)])
        #expect(events == [SSEEvent(data: "one"), SSEEvent(event: "ping", data: "{}")])
    }

    @Test func joinsMultiLineData() {
        let events = Self.parse([Array("data: a\ndata:b\n\n".utf8)])
        #expect(events == [SSEEvent(data: "a\nb")])
    }

    @Test func fieldsFollowTheSpec() {
        // A field without a colon has an empty value; only one space after the colon is dropped; the last event id
        // carries over, and an id with a NUL is ignored; `retry` and unknown fields are skipped.
        let text = "event: ping\nid: 7\ndata:  two spaces\ndata\nretry: 10\nfoo: bar\n\nid: a\u{0}b\ndata: x\n\n"
        #expect(Self.parse([Array(text.utf8)]) == [
            SSEEvent(event: "ping", data: " two spaces\n", id: "7"),
            SSEEvent(data: "x", id: "7"),
        ])
    }

    @Test func everySplitOfARecordedStreamGivesTheSameEvents() throws {
        // Given the recorded OpenAI stream (with multi-byte characters) parsed whole
        let bytes = Array(try Fixture.data("openai-stream.txt"))
        let whole = Self.parse([bytes])
        #expect(whole.count == 6)
        #expect(whole.last?.data == "[DONE]")
        // When it arrives split at every possible byte position, or one byte at a time
        for split in 1..<bytes.count {
            #expect(Self.parse([Array(bytes[..<split]), Array(bytes[split...])]) == whole, "split at \(split)")
        }
        #expect(Self.parse(bytes.map { [$0] }) == whole)
    }

    @Test func handlesCRLFSplitBetweenChunks() {
        let events = Self.parse([Array("data: x\r".utf8), Array("\n\r".utf8), Array("\ndata: y\r\n\r\n".utf8)])
        #expect(events == [SSEEvent(data: "x"), SSEEvent(data: "y")])
    }

    @Test func everyLineEndingEndsALineWhereverTheChunksSplit() {
        // CR, LF and CRLF all end a line; a CR at the end of one chunk and an LF at the start of the next are one ending.
        let bytes = Array("data: a\rdata: b\r\rdata: c\r\n\r\ndata: d\n\n".utf8)
        let expected = [SSEEvent(data: "a\nb"), SSEEvent(data: "c"), SSEEvent(data: "d")]
        #expect(Self.parse([bytes]) == expected)
        for split in 1..<bytes.count {
            #expect(Self.parse([Array(bytes[..<split]), Array(bytes[split...])]) == expected, "split at \(split)")
        }
    }

    @Test func incompleteEventIsPendingNotDispatched() {
        var parser = SSEParser()
        let events = parser.feed(Array("data: {\"partial\":".utf8))
        #expect(events.isEmpty)
        #expect(parser.hasPendingEvent)
    }
}

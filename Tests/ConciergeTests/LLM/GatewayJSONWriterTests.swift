import ConciergeCore
@testable import ConciergeHTTP
import Foundation
import NIOCore
import Testing

/// The hand-written JSON of the gateway's hot shapes is the object their `Encodable` conformances give.
@Suite struct GatewayJSONWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let awkward = "q\"uote \\ back/slash\n\r\t\u{08}\u{0C}\u{01}\u{1F} ünï ✓ 🙂 </script>"

    static func parsed(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    static let usage = TokenUsage(promptTokens: 12, completionTokens: 9, cachedTokens: 3)

    static let chunks: [GatewayChunk] = [
        .chunk(for: .started(id: nil, model: "m", provider: nil), id: "chatcmpl-1", created: 7, model: awkward, includeUsage: true),
        .chunk(for: .content(awkward), id: "chatcmpl-1", created: 7, model: "m", includeUsage: true),
        .chunk(for: .content(""), id: "c", created: 0, model: "m", includeUsage: false),
        .chunk(for: .toolCall(index: 0, id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#), id: "c", created: 1, model: "m", includeUsage: true),
        .chunk(for: .toolCall(index: 2, id: nil, name: nil, arguments: awkward), id: "c", created: 1, model: "m", includeUsage: true),
        .chunk(for: .finished(.toolCalls), id: "c", created: 1, model: "m", includeUsage: true),
        .chunk(for: .usage(usage), id: "c", created: 1, model: "m", includeUsage: true),
    ].compactMap { $0 }

    @Test func chunksAreWhatTheEncoderWrites() throws {
        #expect(Self.chunks.count == 7)
        for chunk in Self.chunks {
            var json = GatewayJSONWriter()
            chunk.write(to: &json)
            let written = Data(json.buffer.readableBytesView)
            let encoded = try Self.encoder.encode(chunk)
            // JSONEncoder's key order is not fixed on Linux: the same object, and the same escaping (so the same length)
            #expect(written.count == encoded.count, "\(String(decoding: written, as: UTF8.self)) vs \(String(decoding: encoded, as: UTF8.self))")
            #expect(try Self.parsed(written) == Self.parsed(encoded))
        }
    }

    @Test func sseFramesEveryChunkOfABatch() throws {
        var buffer = ByteBuffer()
        for chunk in Self.chunks { GatewayChunk.writeSSE(chunk, to: &buffer) }
        let frames = String(buffer: buffer).components(separatedBy: "\n\n")
        #expect(frames.count == Self.chunks.count + 1 && frames.last == "")
        for (frame, chunk) in zip(frames, Self.chunks) {
            #expect(frame.hasPrefix("data: {"))
            #expect(try Self.parsed(Data(frame.dropFirst(6).utf8)) == Self.parsed(Self.encoder.encode(chunk)))
        }
    }

    /// A stream's writer gives, byte for byte, each event's own chunk framed as SSE, with the model the provider
    /// names from its first event on, and the usage only when the client asked for it.
    @Test func aStreamsChunksAreEachEventsOwnChunk() {
        let events: [ChatStreamEvent] = [
            .started(id: "up-1", model: Self.awkward, provider: nil), .content("Hel"), .content(Self.awkward),
            .toolCall(index: 0, id: "call_1", name: "f", arguments: "{"), .toolCall(index: 0, id: nil, name: nil, arguments: "}"),
            .finished(.toolCalls), .usage(Self.usage),
        ]
        for includeUsage in [true, false] {
            var stream = GatewayChunkStream(id: "chatcmpl-9", created: 1_700_000_000, model: "default", includeUsage: includeUsage)
            var written = ByteBuffer()
            var expected = ByteBuffer()
            var model = "default"
            for event in events {
                stream.write(event, to: &written)
                if case .started(_, let upstream, _) = event { model = upstream }
                if let chunk = GatewayChunk.chunk(for: event, id: "chatcmpl-9", created: 1_700_000_000, model: model, includeUsage: includeUsage) {
                    GatewayChunk.writeSSE(chunk, to: &expected)
                }
            }
            #expect(String(buffer: written) == String(buffer: expected))
            #expect(String(buffer: written).components(separatedBy: "\n\n").count == (includeUsage ? 8 : 7))
            #expect(stream.model == Self.awkward)
        }
        // Before the provider names its model, chunks name the one asked for.
        var stream = GatewayChunkStream(id: "c", created: 1, model: "default", includeUsage: false)
        var buffer = ByteBuffer()
        stream.write(.content("x"), to: &buffer)
        #expect(String(buffer: buffer).contains(#""model":"default""#))
    }

    @Test func completionsAreWhatTheEncoderWrites() throws {
        let responses = [
            ChatResponse(id: "x", model: Self.awkward, content: Self.awkward, finishReason: .stop, usage: Self.usage),
            ChatResponse(model: "m", content: nil, toolCalls: [
                ToolCall(id: "call_1", name: "a", arguments: "{}"), ToolCall(id: "call_2", name: Self.awkward, arguments: Self.awkward),
            ], finishReason: nil, usage: nil),
            ChatResponse(model: "m", content: "", finishReason: .length, usage: TokenUsage(promptTokens: 0, completionTokens: 0)),
        ]
        for response in responses {
            let value = GatewayChatResponse(response, id: "chatcmpl-9", created: 1_800_000_000)
            var json = GatewayJSONWriter()
            value.write(to: &json)
            let written = Data(json.buffer.readableBytesView)
            let encoded = try Self.encoder.encode(value)
            // JSONEncoder's key order is not fixed on Linux: the same object, and the same escaping (so the same length)
            #expect(written.count == encoded.count, "\(String(decoding: written, as: UTF8.self)) vs \(String(decoding: encoded, as: UTF8.self))")
            #expect(try Self.parsed(written) == Self.parsed(encoded))
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// An in-process provider on 127.0.0.1 that answers from recorded bodies and scripts faults, one path per scenario:
/// the client under test gets `http://127.0.0.1:PORT/<scenario>` as its base URL.
final class ProviderFixture: Sendable {
    let bodies = Mutex<[String]>([])
    let hits = Mutex<Int>(0)
    /// Where the scripted stalls (`/hang`, `/stall-*`) stay silent: until the test's body is done.
    let silence = ProviderSilence()

    var receivedBodies: [String] { bodies.withLock { $0 } }

    func router() throws -> Router<BasicRequestContext> {
        let router = Router()
        let completion = try Fixture.data("openai-chat-completion.json")
        let tools = try Fixture.data("openai-chat-completion-tools.json")
        let stream = try Fixture.data("openai-stream.txt")
        let toolStream = try Fixture.data("openai-stream-tools.txt")
        let rateLimited = try Fixture.data("openai-error-429.json")
        let invalid = try Fixture.data("openai-error-400.json")
        let anthropic = try Fixture.data("anthropic-message.json")
        let anthropicStream = try Fixture.data("anthropic-stream.txt")
        let anthropicError = try Fixture.data("anthropic-stream-error.txt")
        let anthropicStructured = try Fixture.data("anthropic-structured-message.json")
        let anthropicStructuredStream = try Fixture.data("anthropic-structured-stream.txt")
        let embeddings = try Fixture.data("openai-embeddings.json")

        router.post("/ok/chat/completions") { request, context in
            try await self.capture(request, context)
            let isStream = self.receivedBodies.last?.contains(#""stream":true"#) == true
            return isStream ? Self.sse(stream, pieces: 7) : Self.json(completion, headers: ["x-ratelimit-remaining-requests": "99", "x-ratelimit-remaining-tokens": "5000"])
        }
        router.post("/tools/chat/completions") { request, context in
            try await self.capture(request, context)
            let isStream = self.receivedBodies.last?.contains(#""stream":true"#) == true
            return isStream ? Self.sse(toolStream, pieces: 3) : Self.json(tools)
        }
        router.post("/500/chat/completions") { _, _ in Self.json(Data(#"{"error":{"message":"upstream exploded","type":"server_error"}}"#.utf8), status: .internalServerError) }
        router.post("/429/chat/completions") { _, _ in Self.json(rateLimited, status: .tooManyRequests, headers: ["retry-after": "2"]) }
        router.post("/400/chat/completions") { _, _ in Self.json(invalid, status: .badRequest) }
        router.post("/malformed/chat/completions") { _, _ in Self.json(Data(#"{"choices": [ {"message": "#.utf8)) }
        router.post("/hang/chat/completions") { _, _ -> Response in
            try await self.silence.hold()
            return Self.json(completion)
        }
        router.post("/stall-body/chat/completions") { _, _ -> Response in
            // The head and half the body at once, the rest after the silence: a provider that stalls mid-answer.
            let bytes = Array(completion)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]))
                try await self.silence.hold()
                try await writer.write(ByteBuffer(bytes: bytes[(bytes.count / 2)...]))
                try await writer.finish(nil)
            })
        }
        router.post("/stall-error/chat/completions") { _, _ -> Response in
            // A 500 whose error body stops half-way, silent until the test is done.
            let bytes = Array(#"{"error":{"message":"upstream exploded","type":"server_error"}}"#.utf8)
            return Response(status: .internalServerError, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]))
                try await self.silence.hold()
                try await writer.write(ByteBuffer(bytes: bytes[(bytes.count / 2)...]))
                try await writer.finish(nil)
            })
        }
        router.post("/cut/chat/completions") { _, _ in Self.sse(stream.prefix(stream.count / 2), pieces: 2) }
        router.post("/stream-error/chat/completions") { _, _ in
            let text = String(decoding: stream, as: UTF8.self)
            let head = text.components(separatedBy: "\n\n").prefix(3).joined(separator: "\n\n") + "\n\n"
            return Self.sse(Data((head + #"data: {"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"# + "\n\n").utf8), pieces: 2)
        }
        router.post("/slow-first-byte/chat/completions") { _, _ in Self.sse(stream, pieces: 1, firstDelay: .milliseconds(400)) }
        // Fourteen pieces 500 ms apart: each gap short, the whole 6.5 s.
        router.post("/slow-stream/chat/completions") { _, _ in Self.sse(stream, pieces: 14, gap: .milliseconds(500)) }
        // Half the stream, then silence until the test is done, then the rest.
        router.post("/stall-stream/chat/completions") { _, _ in Self.sse(stream, pieces: 2, silence: self.silence) }
        router.post("/anthropic/messages") { request, context in
            try await self.capture(request, context)
            let isStream = self.receivedBodies.last?.contains(#""stream":true"#) == true
            return isStream ? Self.sse(anthropicStream, pieces: 5) : Self.json(anthropic)
        }
        router.post("/anthropic-structured/messages") { request, context in
            try await self.capture(request, context)
            let isStream = self.receivedBodies.last?.contains(#""stream":true"#) == true
            return isStream ? Self.sse(anthropicStructuredStream, pieces: 4) : Self.json(anthropicStructured)
        }
        router.post("/anthropic-error/messages") { _, _ in Self.sse(anthropicError, pieces: 2) }
        router.post("/ok/embeddings") { request, context in
            try await self.capture(request, context)
            return Self.json(embeddings)
        }
        return router
    }

    private func capture(_ request: Request, _ context: BasicRequestContext) async throws {
        let body = try await request.body.collect(upTo: 1 << 20)
        bodies.withLock { $0.append(String(buffer: body)) }
        hits.withLock { $0 += 1 }
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok, headers: [String: String] = [:]) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Streams `data` in `pieces` writes split at arbitrary byte offsets, optionally after a delay.
    /// With `silence`, the gap is that silence.
    static func sse(_ data: Data, pieces: Int, firstDelay: Duration? = nil, gap: Duration? = nil, silence: ProviderSilence? = nil) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/event-stream"
        let bytes = Array(data)
        return Response(status: .ok, headers: fields, body: ResponseBody { writer in
            if let firstDelay { try await Task.sleep(for: firstDelay) }
            let size = max(1, bytes.count / pieces + 1)
            var offset = 0
            while offset < bytes.count {
                if offset > 0, let gap { try await Task.sleep(for: gap) }
                if offset > 0, let silence { try await silence.hold() }
                let end = min(offset + size, bytes.count)
                try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            try await writer.finish(nil)
        })
    }

    /// Runs `body` with the fixture live on 127.0.0.1; passes the base URL `http://127.0.0.1:PORT`. Ends the
    /// silence after the body, so a stalled handler finishes before the server shuts down.
    func withServer(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let app = Application(router: try router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            defer { silence.end() }
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

import ConciergeCore
import ConciergeHTTP
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Bad chat requests are refused with a clear message in OpenAI's error shape, before any model is called.
@Suite struct GatewayBadRequestTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        var contentType = "application/json"
        let body: String
        var status: HTTPResponse.Status = .badRequest
        let messageContains: String
        /// Refusals made by a middleware before the route (a declared `Content-Length` over the limit) use the API's
        /// own error shape (`code`, `message`, `request_id`), as authentication and request-rate refusals do.
        var beforeTheRoute = false
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"model":"default","messages":[}"#, messageContains: "Malformed JSON: unexpected input at byte 31"),
        Case(name: "non-object body", body: #"[{"role":"user","content":"Hi"}]"#, messageContains: "must be an object"),
        Case(name: "empty body", body: "", messageContains: "empty"),
        Case(name: "missing model", body: #"{"messages":[{"role":"user","content":"Hi"}]}"#, messageContains: "Missing required field 'model'"),
        Case(name: "wrong type for messages", body: #"{"model":"default","messages":{"role":"user"}}"#,
             messageContains: "Field 'messages' has the wrong type: expected an array."),
        Case(name: "unknown role", body: #"{"model":"default","messages":[{"role":"wizard","content":"Hi"}]}"#, messageContains: "Unknown role 'wizard'"),
        Case(name: "empty messages", body: #"{"model":"default","messages":[]}"#, messageContains: "messages must not be empty"),
        Case(name: "image content", body: #"{"model":"default","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}"#,
             messageContains: "Only text content parts"),
        Case(name: "n above 1", body: #"{"model":"default","n":2,"messages":[{"role":"user","content":"Hi"}]}"#, messageContains: "n=1"),
        Case(name: "wrong content type", contentType: "text/plain", body: #"{"model":"default","messages":[]}"#,
             status: .unsupportedMediaType, messageContains: "text/plain"),
        Case(name: "body too big", body: #"{"model":"default","messages":[{"role":"user","content":""# + String(repeating: "a", count: 5000) + #""}]}"#,
             status: .contentTooLarge, messageContains: "4096", beforeTheRoute: true),
    ]

    @Test(arguments: cases) func refusedInOpenAIShape(_ test: Case) async throws {
        let harness = try RouterHarness(["a": []])
        let dependencies = HTTPDependencies(maxBodyBytes: 4096, healthChecks: [], registry: harness.registry)
        let gateway = ModelsGatewayController(chat: harness.router, embeddings: harness.router, catalog: harness.router)
        let app = Application(router: buildRouter(dependencies) { gateway.register(on: $0) })
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: [.contentType: test.contentType], body: ByteBuffer(string: test.body)
            ) { response in
                #expect(response.status == test.status)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let error = try #require(object["error"] as? [String: Any], "\(object)")
                let message = try #require(error["message"] as? String)
                #expect(message.contains(test.messageContains), "\(message)")
                #expect(error.keys.contains("code"))
                if test.beforeTheRoute { return }
                #expect(error["type"] as? String == "invalid_request_error")
                #expect(error.keys.contains("param"))
            }
        }
        #expect(harness.ledger.all.isEmpty)
    }
}

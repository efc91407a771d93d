import ConciergeCore
import ConciergeHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Bad input gets its documented JSON error and the server keeps serving (real sockets, `.live`).
@Suite struct HTTPErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let method: HTTPRequest.Method
        let uri: String
        var headers: HTTPFields = [:]
        var body: String?
        let status: HTTPResponse.Status
        let code: String
        var messageContains: String?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", method: .post, uri: "/test/echo", headers: [.contentType: "application/json"],
             body: #"{"name": "a", "count": }"#, status: .badRequest, code: "invalid_json", messageContains: "Malformed JSON"),
        Case(name: "missing field", method: .post, uri: "/test/echo", headers: [.contentType: "application/json"],
             body: #"{"name": "a"}"#, status: .badRequest, code: "invalid_json", messageContains: "'count'"),
        Case(name: "wrong type", method: .post, uri: "/test/echo", headers: [.contentType: "application/json"],
             body: #"{"name": "a", "count": "three"}"#, status: .badRequest, code: "invalid_json", messageContains: "'count'"),
        Case(name: "empty body", method: .post, uri: "/test/echo", headers: [.contentType: "application/json"],
             body: "", status: .badRequest, code: "invalid_json", messageContains: "empty"),
        Case(name: "wrong content type", method: .post, uri: "/test/echo", headers: [.contentType: "text/plain"],
             body: #"{"name": "a", "count": 1}"#, status: .unsupportedMediaType, code: "unsupported_media_type", messageContains: "text/plain"),
        Case(name: "missing content type", method: .post, uri: "/test/echo",
             body: #"{"name": "a", "count": 1}"#, status: .unsupportedMediaType, code: "unsupported_media_type"),
        Case(name: "oversized body", method: .post, uri: "/test/echo", headers: [.contentType: "application/json"],
             body: #"{"name": ""# + String(repeating: "x", count: 5000) + #"", "count": 1}"#,
             status: .contentTooLarge, code: "payload_too_large", messageContains: "1024"),
        Case(name: "unknown route", method: .get, uri: "/no/such/route", status: .notFound, code: "not_found"),
        Case(name: "wrong method", method: .delete, uri: "/health", status: .methodNotAllowed, code: "method_not_allowed"),
        Case(name: "internal error", method: .get, uri: "/test/fail", status: .internalServerError, code: "internal_error"),
    ]

    @Test(arguments: cases)
    func badInputGetsDocumentedJSONError(_ testCase: Case) async throws {
        let logs = LogOutput.capture()
        let router = buildRouter(.test(), extraRoutes: addTestRoutes)
        let app = Application(router: router, logger: capturingLogger(logs))
        try await app.test(.live) { client in
            let response = try await client.execute(
                uri: testCase.uri, method: testCase.method, headers: testCase.headers, body: testCase.body.map { ByteBuffer(string: $0) }
            )
            #expect(response.status == testCase.status)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let error = try #require(response.body.json["error"] as? [String: Any])
            #expect(error["code"] as? String == testCase.code)
            let message = try #require(error["message"] as? String)
            if let expected = testCase.messageContains { #expect(message.contains(expected), "\(message)") }
            let requestID = try #require(error["request_id"] as? String)
            #expect(response.headers[HTTPField.Name("X-Request-ID")!] == requestID)
            #expect(!response.body.text.contains("hunter2") && !response.body.text.contains("db-internal"))
            // The server keeps serving after the bad request.
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        if testCase.code == "internal_error" {
            // The detail goes to the log, with the request id, never to the client.
            let line = try #require(parsedLines(logs).first { ($0["message"] as? String) == "Unhandled error" })
            #expect((line["error.message"] as? String)?.contains("db-internal") == true)
            #expect(line["request_id"] as? String != nil)
        }
    }

    @Test func wrongMethodListsAllowedMethods() async throws {
        let app = Application(router: buildRouter(.test()))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/health/ready", method: .post)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET")
        }
    }

    @Test func chunkedBodyOverLimitIsRejected() async throws {
        let app = Application(router: buildRouter(.test(), extraRoutes: addTestRoutes))
        try await app.test(.router) { client in
            // No Content-Length: the limit is enforced while reading.
            let body = #"{"name": ""# + String(repeating: "y", count: 4096) + #"", "count": 2}"#
            let response = try await client.execute(
                uri: "/test/echo", method: .post, headers: [.contentType: "application/json", .transferEncoding: "chunked"],
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func validBodyIsAccepted() async throws {
        let app = Application(router: buildRouter(.test(), extraRoutes: addTestRoutes))
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/test/echo", method: .post, headers: [.contentType: "application/json; charset=utf-8"],
                body: ByteBuffer(string: #"{"name":"café","count":3}"#)
            )
            #expect(response.status == .ok)
            #expect(response.body.json["name"] as? String == "café")
        }
    }
}

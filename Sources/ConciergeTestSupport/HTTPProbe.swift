import Foundation
public import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix

/// One HTTP request to a server on 127.0.0.1, on its own connection.
public enum HTTPProbe {
    public struct Response: Sendable {
        public let status: HTTPResponse.Status
        public let headers: HTTPFields
        public let body: String

        /// The body parsed as a JSON object (empty when it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    public static func request(
        port: Int, _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil,
        timeout: Duration = .seconds(10)
    ) async throws -> Response {
        try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout)) { client in
            let response = try await client.execute(
                .init(uri, method: method, authority: "127.0.0.1", headers: headers, body: body.map { ByteBuffer(string: $0) })
            )
            return Response(status: response.status, headers: response.headers, body: response.body.map { String(buffer: $0) } ?? "")
        }
    }
}

public import HummingbirdTesting
public import HTTPTypes
import NIOCore
import NIOPosix

/// One HTTP request to a server on 127.0.0.1, on its own connection.
public enum HTTPProbe {
    public static func request(
        port: Int, _ method: HTTPRequest.Method = .get, _ uri: String, headers: HTTPFields = [:], body: String? = nil,
        timeout: Duration = .seconds(10)
    ) async throws -> TestClient.Response {
        try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout)) { client in
            try await client.execute(
                .init(uri, method: method, authority: "127.0.0.1", headers: headers, body: body.map { ByteBuffer(string: $0) })
            )
        }
    }
}

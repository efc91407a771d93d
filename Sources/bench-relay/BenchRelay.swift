import AsyncHTTPClient
import Hummingbird
import NIOCore
import NIOHTTP1

/// The floor under the gateway benchmark: a bare Hummingbird → AsyncHTTPClient relay, built from the same libraries
/// and client settings as Concierge but with nothing else (no authentication, store, JSON, ledger, metrics or logs).
/// `POST /{path…}` is forwarded byte for byte to the same path on the upstream and the answer streamed back.
/// What it costs per call is what any gateway on this stack pays before doing any work of its own.
///
///     bench-relay PORT UPSTREAM_BASE_URL      e.g. bench-relay 18092 http://127.0.0.1:18091
@main
struct BenchRelay {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let port = Int(arguments[1]) else {
            print("usage: bench-relay PORT UPSTREAM_BASE_URL")
            return
        }
        let upstream = arguments[2]
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(120)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        let router = Router()
        router.post("**") { request, _ -> Response in
            var forwarded = HTTPClientRequest(url: upstream + request.uri.path)
            forwarded.method = .POST
            forwarded.headers.add(name: "content-type", value: request.headers[.contentType] ?? "application/json")
            forwarded.body = .bytes(try await request.body.collect(upTo: 1 << 20))
            let answer = try await client.execute(forwarded, timeout: .seconds(120))
            var headers = HTTPFields()
            headers[.contentType] = answer.headers.first(name: "content-type") ?? "application/json"
            return Response(
                status: .init(code: Int(answer.status.code)), headers: headers, body: ResponseBody(asyncSequence: answer.body)
            )
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
        try await client.shutdown()
    }
}

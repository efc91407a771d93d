import AsyncHTTPClient
import ConciergeCore
import ConciergeTools
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ConciergeTestSupport
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// DNS rebinding: `http_fetch` resolves a host once, checks the answer, and connects to exactly the checked address.
/// The tests inject the resolver; the host is `localhost`, which the HTTP client itself would resolve to 127.0.0.1.
@Suite struct HTTPFetchRebindingTests {
    /// A resolver that answers from a script, one answer per call (the last one repeats), and counts its calls.
    final class ScriptedResolver: Sendable {
        let answers: [[String]]
        private let calls = Mutex<[String]>([])
        init(_ answers: [[String]]) { self.answers = answers }

        func resolve(_ host: String) -> [String] {
            calls.withLock { calls in
                calls.append(host)
                return answers[min(calls.count - 1, answers.count - 1)]
            }
        }

        var hosts: [String] { calls.withLock { $0 } }
    }

    /// A fixture bound to 127.0.0.2 (also loopback on Linux, but not where `localhost` points): it answers only
    /// when the tool connected to the address the resolver gave, and records the Host header it received.
    static func withPinnedServer(_ body: @escaping @Sendable (_ port: Int, _ hosts: RequestLog) async throws -> Void) async throws {
        let hosts = RequestLog()
        let port = Mutex(0)
        let router = Router()
        router.get("/page") { request, _ -> Response in
            hosts.append(request.head.authority ?? "")
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "served by the pinned address")))
        }
        router.get("/hop") { request, _ -> Response in
            hosts.append(request.head.authority ?? "")
            return Response(status: .found, headers: [.location: "/page"])
        }
        let logger = Logger(label: "fixture") { _ in SwiftLogNoOpLogHandler() }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.2", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port ?? 0 } }, logger: logger
        )
        let group = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = await eventually { port.withLock { $0 } != 0 }
            do {
                try await body(port.withLock { $0 }, hosts)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
        }
    }

    static func tool(_ resolver: ScriptedResolver, allow: [String] = []) -> HTTPFetchTool {
        HTTPFetchTool(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, policy: AddressPolicy(allowlist: allow), connectTimeout: .seconds(2),
            resolver: { resolver.resolve($0) }
        )
    }

    @Test func theConnectionGoesToTheCheckedAddressNotToASecondResolution() async throws {
        try await Self.withPinnedServer { port, hosts in
            // Given a resolver that answers 127.0.0.2 (allowlisted as an address) to the check, and the loopback
            // address to anyone who asks again, while the system resolves localhost to 127.0.0.1
            let resolver = ScriptedResolver([["127.0.0.2"], ["127.0.0.1"]])
            // When localhost is fetched
            let output = try await Self.tool(resolver, allow: ["127.0.0.2"]).invoke(["url": .string("http://localhost:\(port)/page")], context: .test())
            // Then the page came from 127.0.0.2 (nothing listens on 127.0.0.1 at that port), asked for by name,
            // and the name was resolved once
            #expect(output.data["text"] == "served by the pinned address")
            #expect(hosts.all == ["localhost:\(port)"])
            #expect(resolver.hosts == ["localhost"])
        }
    }

    @Test func aRedirectIsResolvedAndCheckedAgain() async throws {
        try await Self.withPinnedServer { port, hosts in
            // Given the second resolution (for the redirect's hop) answers loopback
            let resolver = ScriptedResolver([["127.0.0.2"], ["127.0.0.1"]])
            // When the first hop redirects to the same name, the second hop is refused before it connects
            await #expect(throws: ToolError.failed("refusing to fetch localhost: 127.0.0.1 is loopback")) {
                try await Self.tool(resolver, allow: ["127.0.0.2"]).invoke(["url": .string("http://localhost:\(port)/hop")], context: .test())
            }
            #expect(hosts.all == ["localhost:\(port)"])
            #expect(resolver.hosts == ["localhost", "localhost"])
        }
    }

    @Test func aNameResolvingToLoopbackIsRefusedBeforeAnyConnection() async throws {
        let seen = RequestLog()
        let router = Router()
        router.get("/page") { _, _ in
            seen.append("/page")
            return "internal"
        }
        try await Application(router: router).test(.live) { client in
            // Given no allowlist and a resolver that answers a public address and the loopback address
            let resolver = ScriptedResolver([["93.184.216.34", "127.0.0.1"]])
            // When the fixture's own name is fetched, it is refused, and the fixture saw no request
            await #expect(throws: ToolError.failed("refusing to fetch localhost: 127.0.0.1 is loopback")) {
                try await Self.tool(resolver).invoke(["url": .string("http://localhost:\(client.port!)/page")], context: .test())
            }
            #expect(seen.all.isEmpty)
            #expect(resolver.hosts == ["localhost"])
        }
    }
}

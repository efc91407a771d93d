import AsyncHTTPClient
import ConciergeCore
import ConciergeTools
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `http_fetch` refuses internal addresses (also behind redirects) and reads public pages; the fixture server on
/// 127.0.0.1 is reachable only through the allowlist.
@Suite struct HTTPFetchToolTests {
    static func withFixture(allow: [String] = ["127.0.0.1"], maxBytes: Int = 1 << 20, _ body: @escaping @Sendable (HTTPFetchTool, String) async throws -> Void) async throws {
        let router = Router()
        router.get("/page") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: """
                <html><head><title>Status &amp; News</title><style>p{color:red}</style><script>alert(1)</script></head>
                <body><h1>All systems</h1><p>operational&nbsp;today.</p></body></html>
                """)))
        }
        router.get("/hop") { _, _ in Response(status: .found, headers: [.location: "/page"]) }
        router.get("/to-metadata") { _, _ in Response(status: .found, headers: [.location: "http://169.254.169.254/latest/meta-data/"]) }
        router.get("/big") { _, _ in String(repeating: "x", count: 5000) }
        router.get("/missing") { _, _ in Response(status: .notFound) }
        router.get("/busy") { _, _ in Response(status: .serviceUnavailable) }
        router.get("/binary") { _, _ in Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: [0x89, 0x50]))) }
        try await Application(router: router).test(.live) { client in
            try await body(HTTPFetchTool(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup, policy: AddressPolicy(allowlist: allow), maxBytes: maxBytes, connectTimeout: .seconds(2)
            ), "http://127.0.0.1:\(client.port!)")
        }
    }

    @Test func readsAPageAsTextFollowingRedirects() async throws {
        try await Self.withFixture { tool, base in
            let output = try await tool.invoke(["url": .string("\(base)/hop")], context: .test())
            #expect(output.data["title"] == "Status & News")
            #expect(output.data["text"] == "All systems\noperational today.")
            #expect(output.data["final_url"] == .string("\(base)/page"))
            #expect(output.sources == ["\(base)/page"])
        }
    }

    @Test func refusesInternalAddressesUnlessAllowlisted() async throws {
        try await Self.withFixture(allow: []) { tool, base in
            for url in ["\(base)/page", "http://localhost/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fd00::1]/"] {
                do {
                    _ = try await tool.invoke(["url": .string(url)], context: .test())
                    Issue.record("\(url) was fetched")
                } catch let error as ToolError {
                    #expect(error.kind == .final && error.message.hasPrefix("refusing to fetch"), "\(url): \(error)")
                }
            }
            await #expect(throws: ToolError.failed("only http and https URLs can be fetched")) {
                try await tool.invoke(["url": "file:///etc/passwd"], context: .test())
            }
        }
    }

    @Test func aRedirectToTheMetadataAddressIsRefused() async throws {
        try await Self.withFixture { tool, base in
            await #expect(throws: ToolError.failed("refusing to fetch 169.254.169.254: 169.254.169.254 is link-local (cloud metadata lives here)")) {
                try await tool.invoke(["url": .string("\(base)/to-metadata")], context: .test())
            }
        }
    }

    @Test func limitsSizeAndMapsStatuses() async throws {
        try await Self.withFixture(maxBytes: 1000) { tool, base in
            let big = try await tool.invoke(["url": .string("\(base)/big")], context: .test())
            #expect(big.data["truncated"] == true && big.data["text"]?.stringValue?.count == 1000)
            await #expect(throws: ToolError.failed("127.0.0.1 answered 404")) { try await tool.invoke(["url": .string("\(base)/missing")], context: .test()) }
            await #expect(throws: ToolError.retry("127.0.0.1 answered 503")) { try await tool.invoke(["url": .string("\(base)/busy")], context: .test()) }
            await #expect(throws: ToolError.failed("cannot read content of type image/png")) { try await tool.invoke(["url": .string("\(base)/binary")], context: .test()) }
        }
    }

    @Test(arguments: [
        ("8.8.8.8", true), ("1.1.1.1", true), ("2606:4700::1111", true), ("127.0.0.1", false), ("10.0.0.5", false), ("172.16.3.4", false),
        ("172.32.0.1", true), ("192.168.1.1", false), ("169.254.169.254", false), ("100.64.0.1", false), ("0.0.0.0", false),
        ("224.0.0.1", false), ("::1", false), ("::", false), ("fe80::1", false), ("fc00::1", false), ("::ffff:127.0.0.1", false),
        ("::ffff:8.8.8.8", true),
    ])
    func addressPolicy(address: String, allowed: Bool) {
        #expect((AddressPolicy.refusal(for: address) == nil) == allowed)
    }

    @Test func allowlistMatchesNamesAndSuffixes() {
        let policy = AddressPolicy(allowlist: ["intranet.local", ".corp.example"])
        #expect(policy.isAllowlisted(host: "intranet.local") && policy.isAllowlisted(host: "wiki.corp.example"))
        #expect(!policy.isAllowlisted(host: "corp.example.evil.com") && !policy.isAllowlisted(host: "other.local"))
    }
}

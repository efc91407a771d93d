@testable import concierge
import ConciergeCore
import ConciergeHTTP
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Testing

/// Walks every route of the production router, built as `serve` builds it, for every role and for no key.
@Suite struct RouteAccessTests {
    /// The least role each protected route needs, written independently of ``AccessPolicy/standard``.
    /// A route missing here fails the walk: add its row when you add the route.
    static let expected: [String: Role] = [
        "GET /v1/models": .user,
        "POST /v1/chat/completions": .user,
        "POST /v1/embeddings": .user,
        "GET /v1/usage": .user,
        "POST /v1/tasks": .user,
        "GET /v1/tasks": .user,
        "GET /v1/tasks/{id}": .user,
        "POST /v1/tasks/{id}/cancel": .user,
        "POST /v1/tasks/{id}/resolve": .user,
        "GET /v1/tasks/{id}/events": .user,
        "GET /admin/queues": .analyst,
        "GET /admin/jobs": .analyst,
        "POST /admin/jobs": .admin,
        "GET /admin/jobs/dead": .analyst,
        "POST /admin/jobs/retry-dead": .admin,
        "POST /admin/jobs/cleanup": .admin,
        "POST /admin/jobs/release-stale": .admin,
        "GET /admin/jobs/{id}": .analyst,
        "DELETE /admin/jobs/{id}": .admin,
        "POST /admin/jobs/{id}/retry": .admin,
        "POST /admin/jobs/{id}/cancel": .admin,
        "POST /admin/jobs/{id}/archive": .admin,
        "GET /admin/keys": .admin,
        "GET /admin/audit": .admin,
        "POST /admin/keys": .admin,
        "POST /admin/keys/{id}/revoke": .admin,
        "POST /admin/keys/{id}/rotate": .admin,
    ]

    /// Parameterless reads that must answer 2xx to every role allowed.
    static let mustSucceed: Set<String> = ["GET /v1/models", "GET /v1/usage", "GET /admin/queues", "GET /admin/jobs", "GET /admin/jobs/dead", "GET /admin/keys", "GET /admin/audit"]

    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: "/admin/keys/{id}", with: "/admin/keys/0000abcd").replacingOccurrences(of: "{id}", with: "424242")
    }

    @Test func everyRouteAnswers401403Or2xxByRole() async throws {
        try await TemporaryDirectory.with { directory in
            var configuration = AppConfiguration()
            configuration.dataDirectory = directory
            configuration.rateLimitRequestsPerMinute = 0
            let server = ConciergeServer(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, registry: PrometheusCollectorRegistry())
            let assembly = try await server.assemble(signals: false)
            _ = try await assembly.store.migrate()
            let keys = try await AccessTestKeys.issue(in: assembly.keys)
            let routes = assembly.routes.routes
            try await Application(responder: assembly.responder).test(.router) { client in
                for route in routes {
                    let name = "\(route.method.rawValue) \(route.path)"
                    let uri = Self.concrete(route.path)
                    let body = ByteBuffer(string: "{}")
                    guard route.path.hasPrefix("/v1") || route.path.hasPrefix("/admin") else {
                        try await client.execute(uri: uri, method: route.method) { #expect($0.status != .unauthorized, "\(name) is open") }
                        continue
                    }
                    let minimum = try #require(Self.expected[name], "\(name) has no expected role: add it to RouteAccessTests.expected")
                    var anonymous = HTTPFields()
                    anonymous[.contentType] = "application/json"
                    try await client.execute(uri: uri, method: route.method, headers: anonymous, body: body) {
                        #expect($0.status == .unauthorized, "\(name) without a key")
                    }
                    for role in Role.allCases {
                        try await client.execute(uri: uri, method: route.method, headers: keys.headers(role), body: body) { response in
                            if role < minimum {
                                #expect(response.status == .forbidden, "\(name) as \(role)")
                            } else {
                                #expect(response.status != .forbidden && response.status != .unauthorized, "\(name) as \(role)")
                                if Self.mustSucceed.contains(name) { #expect((200..<300).contains(response.status.code), "\(name) as \(role)") }
                            }
                        }
                    }
                }
            }
            await assembly.close(logger: .quiet)
        }
    }

    /// The table's matching on its own: empty segments are ignored, `{name}` takes exactly one segment, a trailing
    /// `**` takes any rest (nothing included), HEAD follows GET, and a path no rule matches needs admin.
    @Test func policyMatchesPathsSegmentBySegment() {
        let policy = AccessPolicy(rules: [
            .init(.get, "/v1/models", .user),
            .init(nil, "/v1/tasks/{id}/events", .analyst),
            .init(nil, "/v1/tasks/**", .user),
            .init(.get, "/admin/**", .analyst),
        ])
        let cases: [(HTTPRequest.Method, String, Role)] = [
            (.get, "/v1/models", .user), (.head, "/v1/models", .user), (.post, "/v1/models", .admin),
            (.get, "//v1///models/", .user), (.get, "/v1/models/x", .admin), (.get, "/v1/model", .admin), (.get, "/v1", .admin),
            (.get, "/v1/tasks/7/events", .analyst), (.get, "/v1/tasks//7/events", .analyst), (.get, "/v1/tasks/7/events/x", .user),
            (.post, "/v1/tasks", .user), (.post, "/v1/tasks/", .user), (.post, "/v1/tasks/a/b/c", .user), (.post, "/v1/taskss", .admin),
            (.get, "/admin", .analyst), (.delete, "/admin/jobs/1", .admin), (.get, "", .admin), (.get, "/", .admin),
        ]
        for (method, path, role) in cases {
            #expect(policy.minimumRole(method, path) == role, "\(method) \(path)")
        }
    }
}

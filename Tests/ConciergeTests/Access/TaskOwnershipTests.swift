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

/// A user sees and acts on its own tasks only; analysts read every task; admins read and act on every task.
@Suite struct TaskOwnershipTests {
    @Test func usersSeeOnlyTheirOwnTasks() async throws {
        try await TemporaryDirectory.with { directory in
            var configuration = AppConfiguration()
            configuration.dataDirectory = directory
            configuration.rateLimitRequestsPerMinute = 0
            configuration.jobsWorkersEnabled = false  // runs stay queued: this test is about who sees them
            let server = ConciergeServer(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, registry: PrometheusCollectorRegistry())
            let assembly = try await server.assemble(signals: false)
            _ = try await assembly.store.migrate()
            let keys = try await AccessTestKeys.issue(in: assembly.keys)
            let other = try await KeyIssuer(keys: assembly.keys).create(name: "other-user", role: .user, limits: KeyLimits(), expiresAt: nil)
            let otherHeaders: HTTPFields = [.authorization: "Bearer \(other.secret)", .contentType: "application/json"]
            let body = ByteBuffer(string: #"{"task":"What is 2 + 2?","idempotency_key":"same-key"}"#)
            try await Application(responder: assembly.responder).test(.router) { client in
                // Given a run submitted by one user
                let created = try await client.execute(uri: "/v1/tasks", method: .post, headers: keys.headers(.user), body: body)
                #expect(created.status == .accepted)
                let id = try #require(created.body.json["id"] as? String)

                // Then another user cannot see, list, follow or cancel it
                for (method, uri) in [(HTTPRequest.Method.get, "/v1/tasks/\(id)"), (.post, "/v1/tasks/\(id)/cancel"), (.get, "/v1/tasks/\(id)/events")] {
                    let response = try await client.execute(uri: uri, method: method, headers: otherHeaders)
                    #expect(response.status == .notFound, "\(method) \(uri) answered \(response.status) to another user")
                }
                let otherList = try await client.execute(uri: "/v1/tasks", method: .get, headers: otherHeaders)
                #expect(otherList.status == .ok)
                #expect(!otherList.body.text.contains(id))
                // and reusing the same idempotency key gives the other user a run of its own
                let otherRun = try await client.execute(uri: "/v1/tasks", method: .post, headers: otherHeaders, body: body)
                #expect(otherRun.status == .accepted)
                #expect(otherRun.body.json["id"] as? String != id)

                // The owner sees it, in the list too
                #expect(try await client.execute(uri: "/v1/tasks/\(id)", method: .get, headers: keys.headers(.user)).status == .ok)
                #expect(try await client.execute(uri: "/v1/tasks", method: .get, headers: keys.headers(.user)).body.text.contains(id))
                // An analyst reads every run but cannot act on another's
                #expect(try await client.execute(uri: "/v1/tasks/\(id)", method: .get, headers: keys.headers(.analyst)).status == .ok)
                #expect(try await client.execute(uri: "/v1/tasks", method: .get, headers: keys.headers(.analyst)).body.text.contains(id))
                #expect(try await client.execute(uri: "/v1/tasks/\(id)/cancel", method: .post, headers: keys.headers(.analyst)).status == .forbidden)
                // An admin can
                let cancelled = try await client.execute(uri: "/v1/tasks/\(id)/cancel", method: .post, headers: keys.headers(.admin))
                #expect(cancelled.status == .ok)
                #expect(cancelled.body.json["status"] as? String == "cancelled")
            }
            await assembly.close(logger: .quiet)
        }
    }
}

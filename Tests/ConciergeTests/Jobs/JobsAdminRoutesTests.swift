import ConciergeCore
import ConciergeHTTP
import ConciergeStoreSQLite
import HTTPTypes
import ConciergeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

/// The `/admin` job routes in `.router` mode over a real SQLite job store.
@Suite struct JobsAdminRoutesTests {
    /// An admin key, issued in each app's own store and handed to the body.
    static func withApp(_ body: @escaping @Sendable (any TestClientProtocol, any JobStore, AccessTestKeys) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: JobStoreFixtures.logger)
            _ = try await store.migrate()
            let jobs = SQLiteJobStore(store: store, clock: SystemJobClock())
            let keys = try await AccessTestKeys.issue(in: store)
            let dependencies = HTTPDependencies(
                maxBodyBytes: 1 << 20, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store)
            )
            let router = buildRouter(dependencies) { JobsAdminController(jobs: jobs).register(on: $0) }
            try await Application(router: router).test(.router) { client in try await body(client, jobs, keys) }
            try await store.close()
        }
    }

    static func withApp(_ body: @escaping @Sendable (any TestClientProtocol, any JobStore) async throws -> Void) async throws {
        try await withApp { client, jobs, keys in
            try await $authorized.withValue(keys.headers(.admin)) { try await body(client, jobs) }
        }
    }

    @TaskLocal static var authorized = HTTPFields()

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }

    @Test func adminRoutesAnswer401WithoutAKeyAnd403ToAUser() async throws {
        try await Self.withApp { client, _, keys in
            try await client.execute(uri: "/admin/queues", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/admin/queues", method: .get, headers: keys.headers(.user)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/admin/queues", method: .get, headers: keys.headers(.analyst)) { #expect($0.status == .ok) }
            let body = ByteBuffer(string: #"{"queue":"mail","payload":{}}"#)
            try await client.execute(uri: "/admin/jobs", method: .post, headers: keys.headers(.analyst), body: body) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func aWrongSecretForARealKeyIdAnswers401() async throws {
        try await Self.withApp { client, _, keys in
            var wrong = HTTPFields()
            wrong[.authorization] = "Bearer \(keys.secrets[.admin]!.dropLast())x"
            try await client.execute(uri: "/admin/jobs", method: .get, headers: wrong) { response in
                #expect(response.status == .unauthorized)
                let body = try Self.json(response)
                #expect(body["error"] != nil)
            }
        }
    }

    @Test func enqueueShowAndCountWithTheToken() async throws {
        try await Self.withApp { client, _ in
            let body = ByteBuffer(string: #"{"queue":"mail","payload":{"to":"a@b.c"},"priority":3,"idempotency_key":"k1"}"#)
            var id = 0
            try await client.execute(uri: "/admin/jobs", method: .post, headers: Self.authorized, body: body) { response in
                #expect(response.status == .created)
                let job = try Self.json(response)
                id = job["id"] as? Int ?? 0
                #expect(job["state"] as? String == "waiting")
                #expect((job["payload"] as? [String: Any])?["to"] as? String == "a@b.c")
            }
            try await client.execute(uri: "/admin/jobs", method: .post, headers: Self.authorized, body: body) { response in
                #expect(response.status == .ok)
                let value = try Self.json(response)["id"] as? Int
                #expect(value == id)
            }
            try await client.execute(uri: "/admin/queues", method: .get, headers: Self.authorized) { response in
                #expect(response.status == .ok)
                let queues = try Self.json(response)["queues"] as? [[String: Any]]
                #expect(queues?.first?["queue"] as? String == "mail")
                #expect(queues?.first?["waiting"] as? Int == 1)
            }
            try await client.execute(uri: "/admin/jobs/\(id)", method: .get, headers: Self.authorized) { response in
                #expect(response.status == .ok)
                let value = try Self.json(response)["attempt_history"] as? [Any]
                #expect(value != nil)
            }
            try await client.execute(uri: "/admin/jobs/999999", method: .get, headers: Self.authorized) { #expect($0.status == .notFound) }
        }
    }

    @Test func deadLetterRetryArchiveCancelAndCleanup() async throws {
        try await Self.withApp { client, store in
            let dead = try await JobStoreAdminContractTests.deadJob(store, queue: "mail")
            let waiting = try await store.enqueue("mail")
            try await client.execute(uri: "/admin/jobs/dead?queue=mail", method: .get, headers: Self.authorized) { response in
                let jobs = try Self.json(response)["jobs"] as? [[String: Any]]
                #expect(jobs?.compactMap { $0["id"] as? Int } == [Int(dead)])
                #expect((jobs?.first?["last_error"] as? String) == "boom")
            }
            try await client.execute(uri: "/admin/jobs/\(waiting)/retry", method: .post, headers: Self.authorized) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/admin/jobs/\(dead)/archive", method: .post, headers: Self.authorized) { response in
                let value = try Self.json(response)["state"] as? String
                #expect(value == "archived")
            }
            try await client.execute(uri: "/admin/jobs/\(waiting)/cancel", method: .post, headers: Self.authorized) { response in
                let value = try Self.json(response)["state"] as? String
                #expect(value == "cancelled")
            }
            _ = try await JobStoreAdminContractTests.deadJob(store, queue: "mail")
            try await client.execute(uri: "/admin/jobs/retry-dead", method: .post, headers: Self.authorized, body: ByteBuffer(string: #"{"queue":"mail"}"#)) { response in
                let value = try Self.json(response)["retried"] as? Int
                #expect(value == 1)
            }
            try await client.execute(uri: "/admin/jobs/cleanup", method: .post, headers: Self.authorized, body: ByteBuffer(string: #"{"older_than_days":0}"#)) { response in
                let value = try Self.json(response)["deleted"] as? Int
                #expect(value == 2)
            }
            try await client.execute(uri: "/admin/jobs/release-stale", method: .post, headers: Self.authorized, body: ByteBuffer(string: #"{"older_than_seconds":60}"#)) { response in
                let value = try Self.json(response)["released"] as? Int
                #expect(value == 0)
            }
            try await client.execute(uri: "/admin/jobs/\(dead)", method: .delete, headers: Self.authorized) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/admin/jobs?state=bogus", method: .get, headers: Self.authorized) { #expect($0.status == .badRequest) }
        }
    }

    @Test func listPagesWithACursor() async throws {
        try await Self.withApp { client, store in
            for _ in 0..<3 { _ = try await store.enqueue("q") }
            var cursor = ""
            try await client.execute(uri: "/admin/jobs?queue=q&limit=2", method: .get, headers: Self.authorized) { response in
                let page = try Self.json(response)
                #expect((page["jobs"] as? [Any])?.count == 2)
                cursor = page["next_cursor"] as? String ?? ""
            }
            try await client.execute(uri: "/admin/jobs?queue=q&limit=2&cursor=\(cursor)", method: .get, headers: Self.authorized) { response in
                let page = try Self.json(response)
                #expect((page["jobs"] as? [Any])?.count == 1)
                #expect(page["next_cursor"] == nil)
            }
        }
    }
}

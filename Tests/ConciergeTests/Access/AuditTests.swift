import ConciergeCore
import ConciergeHTTP
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

/// Admin actions and authentication failures land in the audit log, readable with filters.
@Suite struct AuditTests {
    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func adminActionsAndAuthFailuresAreAuditedAndFiltered() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            let keys = try await AccessTestKeys.issue(in: store)
            let access = AccessControl(keys: store, audit: store)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: access)
            let app = Application(router: buildRouter(dependencies) { router in
                KeysAdminController(keys: store).register(on: router)
                AuditController(log: store).register(on: router)
            })
            let admin = keys.headers(.admin)
            try await app.test(.router) { client in
                // Given a failed login, a forbidden call and an admin action
                _ = try await client.execute(uri: "/admin/keys", method: .get, headers: [.authorization: "Bearer ck_0badf00d_wrongwrongwrongwrongwrong"])
                _ = try await client.execute(uri: "/admin/keys", method: .get, headers: keys.headers(.analyst))
                let body = ByteBuffer(string: #"{"name":"new","role":"user"}"#)
                _ = try await client.execute(uri: "/admin/keys", method: .post, headers: admin, body: body)
                // Then each is in the log, with who, what, where and the request id
                try await client.execute(uri: "/admin/audit", method: .get, headers: admin) { response in
                    #expect(response.status == .ok)
                    let events = Self.json(response)["events"] as? [[String: Any]] ?? []
                    #expect(events.map { $0["action"] as? String } == ["admin.action", "auth.forbidden", "auth.failed"])
                    #expect(events[2]["actor"] as? String == "0badf00d")
                    #expect(events[2]["outcome"] as? String == "401")
                    #expect(events[1]["actor"] as? String == keys.ids[.analyst])
                    #expect(events[0]["target"] as? String == "POST /admin/keys")
                    #expect(events[0]["outcome"] as? String == "201")
                    #expect(events.allSatisfy { ($0["request_id"] as? String)?.isEmpty == false && $0["client_ip"] != nil })
                }
                try await client.execute(uri: "/admin/audit?action=auth.failed", method: .get, headers: admin) { response in
                    #expect((Self.json(response)["events"] as? [[String: Any]])?.count == 1)
                }
                try await client.execute(uri: "/admin/audit?actor=\(keys.ids[.admin]!)&limit=1", method: .get, headers: admin) { response in
                    let page = Self.json(response)
                    #expect((page["events"] as? [[String: Any]])?.count == 1)
                }
                try await client.execute(uri: "/admin/audit", method: .get, headers: keys.headers(.analyst)) { #expect($0.status == .forbidden) }
            }
            // And retention deletes old events
            #expect(try await store.purgeAudit(before: Date().addingTimeInterval(3600)) >= 3)
            #expect(try await store.events(AuditQuery()).isEmpty)
            try await store.close()
        }
    }

    @Test func postgresAuditLogFiltersAndPurges() async throws {
        try await AccessStoreContractTests.withPostgres { store in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0..<3 {
                try await store.append(AuditEvent(
                    time: now.addingTimeInterval(Double(index)), actor: index == 0 ? nil : "k\(index)", action: index == 0 ? "auth.failed" : "admin.action",
                    target: "POST /admin/x'; DROP TABLE audit_log;--", outcome: "200", clientIP: "127.0.0.1", requestID: "r\(index)"
                ))
            }
            #expect(try await store.events(AuditQuery()).map(\.requestID) == ["r2", "r1", "r0"])
            #expect(try await store.events(AuditQuery(action: "auth.failed")).map(\.requestID) == ["r0"])
            #expect(try await store.events(AuditQuery(actor: "k1")).first?.target == "POST /admin/x'; DROP TABLE audit_log;--")
            #expect(try await store.events(AuditQuery(since: now.addingTimeInterval(1), until: now.addingTimeInterval(2))).map(\.requestID) == ["r1"])
            #expect(try await store.purgeAudit(before: now.addingTimeInterval(1)) == 1)
        }
    }
}

public import ConciergeCore
import Foundation
public import Hummingbird

/// `GET /admin/audit?actor=&action=&since=&until=&limit=&cursor=`: the audit log, newest first (admin only).
public struct AuditController: Sendable {
    let log: any AuditLog

    public init(log: any AuditLog) {
        self.log = log
    }

    struct Event: Encodable {
        let id: Int64?
        let time: Date
        let actor: String?
        let action: String
        let target: String?
        let outcome: String
        let clientIP: String?
        let requestID: String?

        enum CodingKeys: String, CodingKey {
            case id, time, actor, action, target, outcome
            case clientIP = "client_ip"
            case requestID = "request_id"
        }
    }

    struct Page: Encodable {
        let events: [Event]
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case events
            case nextCursor = "next_cursor"
        }
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/admin/audit") { request, _ in try await self.list(request) }
    }

    func list(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        func date(_ name: String) throws -> Date? {
            try parameters[Substring(name)].map { raw in
                guard let date = KeyDate.parse(String(raw)) else { throw APIError.badRequest("\(name) must be an ISO 8601 date or time.") }
                return date
            }
        }
        let limit = try parameters["limit"].map { raw -> Int in
            guard let value = Int(raw), (1...1000).contains(value) else { throw APIError.badRequest("limit must be an integer from 1 to 1000.") }
            return value
        } ?? 100
        let before = try parameters["cursor"].map { raw -> Int64 in
            guard let value = Int64(raw) else { throw APIError.badRequest("cursor must be a next_cursor from a previous page.") }
            return value
        }
        let query = AuditQuery(
            actor: parameters["actor"].map(String.init), action: parameters["action"].map(String.init), since: try date("since"),
            until: try date("until"), before: before, limit: limit
        )
        let events = try await log.events(query)
        let page = Page(
            events: events.map { Event(id: $0.id, time: $0.time, actor: $0.actor, action: $0.action, target: $0.target, outcome: $0.outcome, clientIP: $0.clientIP, requestID: $0.requestID) },
            nextCursor: events.count == limit ? events.last?.id.map(String.init) : nil
        )
        return KeysAdminController.json(page)
    }
}

import ConciergeCore
import Foundation
import HTTPTypes
import Hummingbird

extension TasksController {
    /// Server-sent events from the durable log: replays after `Last-Event-ID` (or `?after=`), then follows the run
    /// until its `done` event, with a comment line every `heartbeat` so proxies keep the connection open.
    func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        _ = try await TaskAccess.readable(id, tasks: tasks, context: context)
        let raw = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters["after"].map(String.init)
        let start = try raw.map { text -> Int in
            guard let value = Int(text), value >= 0 else { throw APIError.badRequest("Last-Event-ID must be an event id.") }
            return value
        } ?? 0
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let (tasks, heartbeat, pollInterval) = (self.tasks, self.heartbeat, self.pollInterval)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var last = start
            var quietSince = ContinuousClock.now
            do {
                while true {
                    // Returns at once when events are there, else waits for this process's signal or `pollInterval`.
                    let events = try await tasks.nextEvents(id, after: last, timeout: pollInterval)
                    for event in events {
                        try await writer.write(ByteBuffer(string: Self.frame(event)))
                        last = event.sequence
                    }
                    if events.contains(where: { $0.type == "done" }) { break }
                    if events.isEmpty, let run = try await tasks.run(id), run.status.isFinished, try await tasks.events(id, after: last).isEmpty {
                        break
                    }
                    if !events.isEmpty { quietSince = .now }
                    if ContinuousClock.now - quietSince >= heartbeat {
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        quietSince = .now
                    }
                }
            } catch {
                return  // the client left
            }
            try await writer.finish(nil)
        })
    }

    static func frame(_ event: RunEvent) -> String {
        "id: \(event.sequence)\nevent: \(event.type)\ndata: \(event.data.jsonText)\n\n"
    }
}

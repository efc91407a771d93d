import AsyncHTTPClient
import ConciergeCore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// `concierge ask --server URL`: submits the task to a running server and waits for the run.
enum RemoteTasks {
    static func submit(_ request: TaskRequest, server: String, verbose: Bool) async throws -> TaskRun {
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        var body: [String: JSONValue] = ["task": .string(request.task), "wait": 60, "planner": .string(request.planner.rawValue)]
        if let schema = request.outputSchema { body["output_schema"] = schema }
        var run = try await call(.POST, "\(base)/v1/tasks", body: JSONValue.object(body).jsonText)
        while !run.status.isFinished {
            if verbose { FileHandle.standardError.write(Data("status: \(run.status.rawValue)\n".utf8)) }
            try await Task.sleep(for: .milliseconds(500))
            run = try await call(.GET, "\(base)/v1/tasks/\(run.id)", body: nil)
        }
        return run
    }

    static func call(_ method: HTTPMethod, _ url: String, body: String?) async throws -> TaskRun {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(90))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard (200..<300).contains(response.status.code) else {
            let message = (try? JSONDecoder().decode(JSONValue.self, from: bytes))?["error"]?["message"]?.stringValue
            throw TaskError(.invalidRequest, "the server answered \(response.status.code): \(message ?? String(buffer: bytes))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(TaskRun.self, from: bytes)
    }
}

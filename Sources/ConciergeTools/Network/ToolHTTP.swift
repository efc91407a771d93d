import AsyncHTTPClient
import ConciergeCore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// GET requests for the network tools, with their errors mapped to ``ToolError``: 429 and 5xx, timeouts and
/// connection failures are retryable; other 4xx are final.
enum ToolHTTP {
    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer

        var json: JSONValue? { JSONValue(jsonText: String(buffer: body)) }
    }

    static func get(_ url: String, client: HTTPClient, headers: [(String, String)] = [], timeout: Duration, maxBytes: Int = 2 << 20) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "Concierge")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            let body = try await response.body.collect(upTo: maxBytes)
            return Reply(status: Int(response.status.code), headers: response.headers, body: body)
        } catch let error as NIOTooManyBytesError {
            throw ToolError.failed("the response is larger than \(maxBytes) bytes (\(error))")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw ToolError.retry("the request timed out")
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError.retry("the request failed: \(error)")
        }
    }

    /// A final or retryable error for a non-2xx reply, with the API's own message when it gave one.
    static func failure(_ reply: Reply, service: String, retryAfter: Duration? = nil) -> ToolError {
        let message = reply.json.flatMap { $0["reason"]?.stringValue ?? $0["message"]?.stringValue } ?? "HTTP \(reply.status)"
        if reply.status == 429 || reply.status >= 500 {
            return .retry("\(service) answered \(reply.status): \(message)", after: retryAfter)
        }
        return .failed("\(service) answered \(reply.status): \(message)")
    }

    static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }

    /// A query value percent-encoded as ``query(_:)`` writes it.
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

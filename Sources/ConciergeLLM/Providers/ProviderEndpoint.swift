import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where a provider call goes and the headers every call to it sends, built once per client: AsyncHTTPClient takes
/// a request's URL apart on every request it is handed (Foundation's URL parser and getters, a dozen allocations), so
/// the request without its body is built here once and each call only sets its body.
struct ProviderEndpoint: Sendable {
    let text: String
    let headers: HTTPHeaders
    /// The request without a body; `invalidURL` when `text` is not a URL, which each call then throws.
    private let bodyless: Result<HTTPClient.Request, any Error>

    init(_ text: String, headers: HTTPHeaders) {
        self.text = text
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        self.headers = headers
        let headersToSend = headers
        bodyless = Result {
            guard let url = URL(string: text) else { throw HTTPClientError.invalidURL }
            return try HTTPClient.Request(url: url, method: .POST, headers: headersToSend)
        }
    }

    /// The same endpoint asked for server-sent events.
    var streaming: ProviderEndpoint {
        var headers = headers
        headers.add(name: "Accept", value: "text/event-stream")
        return ProviderEndpoint(text, headers: headers)
    }

    /// A POST of `body` to this endpoint.
    func request(body: ByteBuffer) throws -> HTTPClient.Request {
        var request = try bodyless.get()
        request.body = .byteBuffer(body)
        return request
    }
}

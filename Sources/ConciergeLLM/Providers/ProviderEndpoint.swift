import Foundation
import NIOHTTP1

/// Where a provider call goes and the headers every call to it sends, built once per client: AsyncHTTPClient parses
/// a URL given as text on every request (Foundation's parser, a dozen allocations), so the URL is parsed here once.
struct ProviderEndpoint: Sendable {
    let text: String
    /// Nil when `text` is not a URL; each call then fails as AsyncHTTPClient would fail it (`invalidURL`).
    let url: URL?
    let headers: HTTPHeaders

    init(_ text: String, headers: HTTPHeaders) {
        self.text = text
        self.url = URL(string: text)
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        self.headers = headers
    }

    /// The same endpoint asked for server-sent events.
    var streaming: ProviderEndpoint {
        var headers = headers
        headers.add(name: "Accept", value: "text/event-stream")
        return ProviderEndpoint(text, headers: headers)
    }
}

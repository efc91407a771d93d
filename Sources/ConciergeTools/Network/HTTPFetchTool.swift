public import AsyncHTTPClient
public import ConciergeCore
import Foundation
import NIOCore
import NIOHTTP1

/// `http_fetch`: GETs a public http(s) URL and returns readable text. The host is resolved and every address
/// checked by ``AddressPolicy`` before connecting; redirects are followed here (the client must not follow them),
/// each one checked again, at most 5. The body is cut at `maxBytes`.
public struct HTTPFetchTool: Tool {
    public let name = "http_fetch"
    public let description = "Reads a public web page or document (http or https URL) and returns its text."
    public let parametersSchema: JSONValue = [
        "type": "object",
        "properties": ["url": ["type": "string", "minLength": 8, "maxLength": 2000]],
        "required": ["url"],
        "additionalProperties": false,
    ]
    public var timeout: Duration { .seconds(20) }

    let httpClient: HTTPClient
    let policy: AddressPolicy
    let maxBytes: Int
    let maxTextCharacters: Int

    /// - Parameter httpClient: configured with `redirectConfiguration: .disallow`.
    public init(httpClient: HTTPClient, policy: AddressPolicy = AddressPolicy(), maxBytes: Int = 1 << 20, maxTextCharacters: Int = 20_000) {
        self.httpClient = httpClient
        self.policy = policy
        self.maxBytes = maxBytes
        self.maxTextCharacters = maxTextCharacters
    }

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        guard let raw = arguments["url"]?.stringValue, var url = URL(string: raw) else { throw ToolError.failed("url is not a URL") }
        for _ in 0...5 {
            try check(url)
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "User-Agent", value: "Concierge")
            request.headers.add(name: "Accept", value: "text/html, text/plain, application/json;q=0.9, */*;q=0.1")
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, timeout: .seconds(15))
            } catch {
                throw ToolError.retry("fetching \(url.host ?? "") failed: \(error)")
            }
            if (300..<400).contains(response.status.code), let location = response.headers.first(name: "Location") {
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else { throw ToolError.failed("bad redirect to '\(location)'") }
                url = next
                continue
            }
            let (body, truncated) = try await Self.read(response.body, limit: maxBytes)
            guard (200..<300).contains(response.status.code) else {
                let status = Int(response.status.code)
                if status == 429 || status >= 500 { throw ToolError.retry("\(url.host ?? "") answered \(status)") }
                throw ToolError.failed("\(url.host ?? "") answered \(status)")
            }
            return try output(url: raw, final: url, contentType: response.headers.first(name: "Content-Type") ?? "", body: body, truncated: truncated)
        }
        throw ToolError.failed("more than 5 redirects")
    }

    /// Scheme, then every resolved address (unless the host is allowlisted).
    func check(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { throw ToolError.failed("only http and https URLs can be fetched") }
        guard let host = url.host, !host.isEmpty else { throw ToolError.failed("the URL has no host") }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if policy.isAllowlisted(host: bare) { return }
        let addresses = AddressPolicy.ipv4(bare) != nil || AddressPolicy.ipv6(bare) != nil ? [bare] : AddressPolicy.resolve(bare)
        guard !addresses.isEmpty else { throw ToolError.retry("\(bare) does not resolve") }
        for address in addresses {
            if let reason = AddressPolicy.refusal(for: address) {
                throw ToolError.failed("refusing to fetch \(bare): \(address) \(reason)")
            }
        }
    }

    static func read(_ body: HTTPClientResponse.Body, limit: Int) async throws -> (ByteBuffer, Bool) {
        var collected = ByteBuffer()
        for try await chunk in body {
            var part = chunk
            let room = limit - collected.readableBytes
            if part.readableBytes > room {
                if let slice = part.readSlice(length: room) { collected.writeImmutableBuffer(slice) }
                return (collected, true)
            }
            collected.writeBuffer(&part)
        }
        return (collected, false)
    }

    func output(url: String, final: URL, contentType: String, body: ByteBuffer, truncated: Bool) throws -> ToolOutput {
        let type = contentType.lowercased()
        let raw = String(decoding: body.readableBytesView, as: UTF8.self)
        let (title, text): (String?, String)
        if type.contains("html") {
            (title, text) = ReadableText.fromHTML(raw)
        } else if type.isEmpty || type.hasPrefix("text/") || type.contains("json") || type.contains("xml") {
            (title, text) = (nil, raw)
        } else {
            throw ToolError.failed("cannot read content of type \(contentType)")
        }
        let clipped = String(text.prefix(maxTextCharacters))
        let cut = truncated || clipped.count < text.count
        return ToolOutput(
            text: (title.map { "\($0)\n" } ?? "") + clipped,
            data: ["url": .string(url), "final_url": .string(final.absoluteString), "content_type": .string(contentType),
                   "title": title.map(JSONValue.string) ?? .null, "text": .string(clipped), "truncated": .bool(cut)],
            sources: [final.absoluteString]
        )
    }
}

/// HTML to readable text: drops scripts, styles and tags, decodes common entities, collapses whitespace.
enum ReadableText {
    static func fromHTML(_ html: String) -> (title: String?, text: String) {
        let title = html.range(of: #"<title[^>]*>(.*?)</title>"#, options: [.regularExpression, .caseInsensitive]).map { range in
            decode(String(html[range]).replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var text = html.replacingOccurrences(of: #"(?is)<(script|style|noscript|head)[^>]*>.*?</\1>"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(?i)<(br|/p|/div|/li|/h[1-6]|/tr)[^>]*>"#, with: "\n", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)
        text = decode(text).replacingOccurrences(of: #"[ \t]+"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\s*\n\s*"#, with: "\n", options: .regularExpression)
        return (title, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func decode(_ text: String) -> String {
        [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&amp;", "&")]
            .reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}

public import ConciergeCore
import Foundation
public import NIOCore

/// `http_fetch`: GETs a public http(s) URL and returns readable text. The host is resolved once, every address is
/// checked by ``AddressPolicy``, and the connection goes to exactly one of those checked addresses: each hop uses a
/// short-lived client whose `dnsOverride` pins the host name to the checked address (the `Host` header, TLS SNI and
/// certificate checks still use the name), so a DNS server cannot answer a public address to the check and a
/// private one to the connect (DNS rebinding). Redirects are followed here, each one resolved and checked again, at
/// most 5. The body is cut at `maxBytes`.
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

    /// Every address a host name resolves to, as numeric text (the default is the system's `getaddrinfo`).
    public typealias Resolver = @Sendable (_ host: String) async -> [String]

    let eventLoopGroup: any EventLoopGroup
    let policy: AddressPolicy
    let resolver: Resolver
    let maxBytes: Int
    let maxTextCharacters: Int
    let connectTimeout: Duration

    public init(
        eventLoopGroup: any EventLoopGroup, policy: AddressPolicy = AddressPolicy(), maxBytes: Int = 1 << 20, maxTextCharacters: Int = 20_000,
        connectTimeout: Duration = .seconds(5), resolver: @escaping Resolver = { AddressPolicy.resolve($0) }
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.policy = policy
        self.resolver = resolver
        self.maxBytes = maxBytes
        self.maxTextCharacters = maxTextCharacters
        self.connectTimeout = connectTimeout
    }

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        guard let raw = arguments["url"]?.stringValue, var url = URL(string: raw) else { throw ToolError.failed("url is not a URL") }
        for _ in 0...5 {
            let pinned = try await check(url)
            let answer = try await fetch(url, pinnedTo: pinned)
            if let location = answer.location {
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else { throw ToolError.failed("bad redirect to '\(location)'") }
                url = next
                continue
            }
            guard (200..<300).contains(answer.status) else {
                if answer.status == 429 || answer.status >= 500 { throw ToolError.retry("\(url.host ?? "") answered \(answer.status)") }
                throw ToolError.failed("\(url.host ?? "") answered \(answer.status)")
            }
            return try output(url: raw, final: url, contentType: answer.contentType, body: answer.body, truncated: answer.truncated)
        }
        throw ToolError.failed("more than 5 redirects")
    }

    /// Scheme, then every resolved address (unless the host or the address is allowlisted). Returns the checked
    /// addresses to connect to, or an empty list when the client may resolve by itself (literal or allowlisted host).
    func check(_ url: URL) async throws -> [String] {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { throw ToolError.failed("only http and https URLs can be fetched") }
        guard let host = url.host, !host.isEmpty else { throw ToolError.failed("the URL has no host") }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if policy.isAllowlisted(host: bare) { return [] }
        let literal = AddressPolicy.ipv4(bare) != nil || AddressPolicy.ipv6(bare) != nil
        let addresses = literal ? [bare] : await resolver(bare)
        guard !addresses.isEmpty else { throw ToolError.retry("\(bare) does not resolve") }
        for address in addresses where !policy.isAllowlisted(host: address) {
            if let reason = AddressPolicy.refusal(for: address) {
                throw ToolError.failed("refusing to fetch \(bare): \(address) \(reason)")
            }
        }
        return literal ? [] : addresses
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

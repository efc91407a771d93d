import AsyncHTTPClient
import ConciergeCore
import Foundation
import NIOCore
import NIOHTTP1

/// How `http_fetch` connects: to a checked address only, through a client used for one request.
extension HTTPFetchTool {
    struct Answer {
        let status: Int
        let location: String?
        let contentType: String
        let body: ByteBuffer
        let truncated: Bool
    }

    /// One GET of `url`, connected to the first of the checked `addresses` that answers, or to whatever the client
    /// resolves when the list is empty (literal or allowlisted hosts).
    func fetch(_ url: URL, pinnedTo addresses: [String]) async throws -> Answer {
        let host = url.host.map { $0.hasPrefix("[") ? String($0.dropFirst().dropLast()) : $0 } ?? ""
        let deadline = NIODeadline.now() + .seconds(15)
        var failure: (any Error)?
        for address in addresses.isEmpty ? [nil] : addresses.map(Optional.some) {
            do {
                return try await fetch(url, host: host, pinnedTo: address, deadline: deadline)
            } catch {
                failure = error  // no answer from this address: the next checked one may answer
            }
        }
        throw ToolError.retry("fetching \(host) failed: \(failure.map { "\($0)" } ?? "no address")")
    }

    func fetch(_ url: URL, host: String, pinnedTo address: String?, deadline: NIODeadline) async throws -> Answer {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(connectTimeout), read: .seconds(15))
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        if let address {
            // The client looks the override up by the URL's host as written; both spellings map to the checked address.
            configuration.dnsOverride[host] = address
            configuration.dnsOverride[host.lowercased()] = address
        }
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        do {
            let answer = try await exchange(url, client: client, deadline: deadline)
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func exchange(_ url: URL, client: HTTPClient, deadline: NIODeadline) async throws -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "Concierge")
        request.headers.add(name: "Accept", value: "text/html, text/plain, application/json;q=0.9, */*;q=0.1")
        let response = try await client.execute(request, deadline: deadline)
        let status = Int(response.status.code)
        if (300..<400).contains(status), let location = response.headers.first(name: "Location") {
            return Answer(status: status, location: location, contentType: "", body: ByteBuffer(), truncated: false)
        }
        let (body, truncated) = try await Self.read(response.body, limit: maxBytes)
        return Answer(status: status, location: nil, contentType: response.headers.first(name: "Content-Type") ?? "", body: body, truncated: truncated)
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
}

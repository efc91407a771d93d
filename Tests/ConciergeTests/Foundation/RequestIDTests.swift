import ConciergeHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RequestIDTests {
    static let header = HTTPField.Name("X-Request-ID")!

    @Test(arguments: ["abc-123", "req_01HZX.trace:7", String(repeating: "a", count: 128)])
    func saneClientIDIsKept(_ id: String) async throws {
        let app = Application(router: buildRouter(.test()))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get, headers: [Self.header: id])
            #expect(response.headers[Self.header] == id)
        }
    }

    @Test(arguments: [
        "<script>alert(1)</script>", "a b", String(repeating: "a", count: 129), "id\u{7}bell", "'; DROP TABLE jobs;--", "../../etc/passwd", "",
    ])
    func hostileClientIDIsReplaced(_ id: String) async throws {
        let app = Application(router: buildRouter(.test()))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/no-such-route", method: .get, headers: [Self.header: id])
            let returned = try #require(response.headers[Self.header])
            #expect(returned != id)
            #expect(RequestID.isSane(returned))
            #expect(returned.count == 32)
            #expect(response.body.json["error"].flatMap { ($0 as? [String: Any])?["request_id"] as? String } == returned)
        }
    }

    @Test func generatedIDsDiffer() {
        #expect(RequestID.generate() != RequestID.generate())
    }

    @Test func generatedIDsAre32LowerCaseHexDigitsCoveringEveryDigit() {
        let ids = (0..<64).map { _ in RequestID.generate() }
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(Set(ids.joined()) == Set("0123456789abcdef"))
    }

    @Test func laterIDsSortAfterEarlierOnes() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let ids = (0..<50).map { RequestID.generate(now: start.addingTimeInterval(Double($0) * 0.002)) }
        #expect(ids == ids.sorted())
        #expect(ids[0].hasPrefix(String(1_795_000_000_000, radix: 16).leftPadded(to: 12)))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

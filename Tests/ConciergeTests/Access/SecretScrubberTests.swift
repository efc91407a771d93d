import ConciergeCore
import ConciergeHTTP
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Testing

/// Secrets and personal data never reach the logs or error bodies.
@Suite struct SecretScrubberTests {
    @Test(arguments: [
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        (#"{"x-api-key":"abc123secretvalue"}"#, "abc123secretvalue"),
        ("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "eyJzdWIiOiIxMjMifQ"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl here", "eyJhbGciOiJIUzI1NiJ9"),
        ("key ck_0a1b2c3d_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg", "AbCdEfGhIjKl"),
        ("mail jane.doe+x@example.co.uk now", "jane.doe"),
        ("call +44 20 7946 0958 today", "7946 0958"),
        ("call (415) 555-2671 today", "555-2671"),
        ("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111"),
        ("card 5500-0000-0000-0004 ok", "5500-0000-0000-0004"),
        ("4111111111111111", "4111111111111111"),
        ("/admin/nothing/4111111111111111", "4111111111111111"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "eyJzdWIiOiIxMjMifQ"),
        ("Réponse pour jane@exemple.fr", "jane@exemple.fr"),
        ("Bearer abcdefghijklmnop", "abcdefghijklmnop"),
    ])
    func scrubs(_ input: String, _ secret: String) {
        let scrubbed = SecretScrubber.scrub(input)
        #expect(!scrubbed.contains(secret), "\(scrubbed)")
    }

    @Test(arguments: ["0f3a9c2e7b1d4e5f8a6b0c9d2e1f3a4b", "12.5", "200", "1234567890123", "/v1/chat/completions", "/v1/jobs/0f3a9c2e7b1d", "job 1234567890123 failed", "2026-11-22T04:00:00Z", "127.0.0.1:8080", "took 12.5 ms for 300 rows", "amount 1.500000 USD"])
    func leavesOrdinaryTextAlone(_ input: String) {
        #expect(SecretScrubber.scrub(input) == input)
    }

    /// The byte scan that lets most values skip the patterns: only text no pattern can match skips them.
    @Test func fastPathSkipsOnlyTextNoPatternCanMatch() {
        for plain in ["POST", "request", "GET /health", "Serving"] { #expect(!SecretScrubber.mayHoldSecret(plain), "\(plain)") }
        for possible in ["a1", "x@y", "k=v", "a_b", "a-b", "a:b", "Bearer", "eyJ", "٤٤", "é"] {
            #expect(SecretScrubber.mayHoldSecret(possible), "\(possible)")
        }
    }

    /// The fast path's byte search finds what `String.contains` finds, and also a needle before a combining mark.
    @Test func byteSearchIsNeverNarrowerThanContains() {
        let texts = ["", "e", "ea", "earer", "Bearer x", "xx bearer", "earl", "eare", "eyJ", "xeyJhb", "eyj", "é eyJ ü", "ééearer", "🙂eyJ🙂", "earear"]
        for text in texts {
            #expect(SecretScrubber.containsASCII(text, "earer") == text.contains("earer"), "\(text)")
            #expect(SecretScrubber.containsASCII(text, "eyJ") == text.contains("eyJ"), "\(text)")
        }
        let combined = "eyJ\u{301}abc"
        #expect(!combined.contains("eyJ") && SecretScrubber.containsASCII(combined, "eyJ"))
        #expect(SecretScrubber.mayHoldSecret("Bearer") && SecretScrubber.mayHoldSecret("xeyJ") && !SecretScrubber.mayHoldSecret("eyj"))
    }

    /// Text the plain-token fast path lets through is text every pattern leaves as it is: random tokens of letters,
    /// digits (long runs included, with valid card numbers among them), dots and slashes, from a fixed seed.
    @Test func plainTokensAreWhatThePatternsLeaveAlone() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let card = "4111111111111111"
        let letters = Array("abcdefXYZ")
        var plain = 0
        var plainWithLongRun = 0
        for _ in 0..<20_000 {
            var token = ""
            for _ in 0..<(1 + next(6)) {
                switch next(6) {
                case 0: token += "/"
                case 1: token += "."
                case 2: token.append(letters[next(letters.count)])
                case 3: token += card
                default: token += String(repeating: String(next(10)), count: 1 + next(16))
                }
            }
            guard SecretScrubber.isPlainToken(token) else { continue }
            plain += 1
            if token.contains(card) { plainWithLongRun += 1 }
            #expect(SecretScrubber.applyingPatterns(token) == token, "\(token)")
        }
        #expect(plain > 1_000 && plainWithLongRun > 100)
        for standing in [card, "/" + card, card + "/x", "a/" + card + "/b", "1234567890123", "v1/1234567890123"] {
            #expect(!SecretScrubber.isPlainToken(standing), "\(standing)")
        }
        for embedded in ["0f3a9c2e" + card + "b", "a" + card, card + "x", card + ".5", "x." + card] {
            #expect(SecretScrubber.isPlainToken(embedded), "\(embedded)")
        }
    }

    @Test func aSecretPlantedInARequestIsNowhereInTheLogs() async throws {
        try await TemporaryDirectory.with { directory in
            let output = LogOutput.capture()
            let logger = capturingLogger(output, level: .trace)
            let store = try SQLiteStore(dataDirectory: directory, logger: logger)
            _ = try await store.migrate()
            let keys = try await AccessTestKeys.issue(in: store)
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: AccessControl(keys: store))
            let app = Application(router: buildRouter(dependencies) { KeysAdminController(keys: store).register(on: $0) }, logger: logger)
            let planted = [keys.secrets[.admin]!, "ck_deadbeef_PlantedSecretValue0123456789", "planted.person@example.org", "4111111111111111"]
            try await app.test(.router) { client in
                // A good key, a wrong key in each header, and personal data in the path and body
                _ = try await client.execute(uri: "/admin/keys", method: .get, headers: [.authorization: "Bearer \(planted[0])"])
                _ = try await client.execute(uri: "/admin/keys", method: .get, headers: [.authorization: "Bearer \(planted[1])"])
                _ = try await client.execute(uri: "/admin/keys", method: .get, headers: [HTTPField.Name("X-API-Key")!: planted[1]])
                _ = try await client.execute(uri: "/admin/nothing/\(planted[2])/\(planted[3])", method: .get, headers: [.authorization: "Bearer \(planted[0])"]) { response in
                    #expect(!String(buffer: response.body).contains(planted[2]))
                }
                _ = try await client.execute(
                    uri: "/admin/keys", method: .post, headers: [.authorization: "Bearer \(planted[0])", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"name":"\#(planted[2])","role":"nobody \#(planted[3])"}"#)
                )
            }
            let text = output.lines.joined(separator: "\n")
            #expect(output.lines.count >= 5)
            for secret in planted { #expect(!text.contains(secret), "found \(secret) in logs") }
            try await store.close()
        }
    }
}

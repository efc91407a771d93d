import AsyncHTTPClient
import ConciergeCore
import ConciergeTools
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `github` against an in-process fixture server answering in GitHub's documented shapes.
@Suite struct GitHubToolTests {
    static func withFixture(token: String? = nil, _ body: @escaping @Sendable (GitHubTool, RequestLog) async throws -> Void) async throws {
        let seen = RequestLog()
        let router = Router()
        router.get("/search/repositories") { request, _ -> Response in
            seen.append("\(request.uri) auth=\(request.headers[.authorization] ?? "-") accept=\(request.headers[.accept] ?? "-")")
            let query = request.uri.queryParameters["q"].map(String.init) ?? ""
            return try Self.file(query == "nothing here" ? "github-search-empty.json" : "github-search-repositories.json")
        }
        router.get("/repos/{owner}/{repo}") { _, context -> Response in
            context.parameters.get("repo") == "swift-nio" ? try Self.file("github-repo.json") : try Self.file("github-not-found.json", status: .notFound)
        }
        router.get("/repos/{owner}/{repo}/issues") { request, _ in
            seen.append(request.uri.description)
            return try Self.file("github-issues.json")
        }
        router.get("/users/{user}") { _, context -> Response in
            if context.parameters.get("user") == "torvalds" { return try Self.file("github-user.json") }
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[HTTPField.Name("x-ratelimit-remaining")!] = "0"
            headers[HTTPField.Name("x-ratelimit-reset")!] = "1795317000"
            return try Self.file("github-rate-limit.json", status: .forbidden, headers: headers)
        }
        try await Application(router: router).test(.live) { client in
            let tool = GitHubTool(httpClient: TestHTTPClient.shared, baseURL: "http://127.0.0.1:\(client.port!)", token: token,
                                  now: { Date(timeIntervalSince1970: 1_795_316_400) })
            try await body(tool, seen)
        }
    }

    static func file(_ name: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [.contentType: "application/json"]) throws -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(try Fixture.data(name)))))
    }

    @Test func searchesRepositoriesByStars() async throws {
        try await Self.withFixture(token: "ghp_test") { tool, seen in
            let output = try await tool.invoke(["operation": "search_repositories", "query": "Swift web frameworks", "limit": 3], context: .test())
            #expect(output.text.contains("1. vapor/vapor ★25300 — A server-side Swift HTTP web framework."))
            #expect(output.data["repositories"]?.arrayValue?.count == 2)
            #expect(output.data["repositories"]?.arrayValue?.last?["license"] == "Apache-2.0")
            #expect(output.sources.first == "https://github.com/vapor/vapor")
            let request = try #require(seen.all.first)
            #expect(request.contains("q=Swift%20web%20frameworks") && request.contains("sort=stars") && request.contains("per_page=3"))
            #expect(request.contains("auth=Bearer ghp_test") && request.contains("accept=application/vnd.github+json"))
        }
    }

    @Test func emptySearchIsAnAnswerNotAnError() async throws {
        try await Self.withFixture { tool, _ in
            let output = try await tool.invoke(["operation": "search_repositories", "query": "nothing here"], context: .test())
            #expect(output.text == "No GitHub repositories match 'nothing here'.")
        }
    }

    @Test func getsARepositoryAndReportsMissingOnesAsFinal() async throws {
        try await Self.withFixture { tool, _ in
            let repo = try await tool.invoke(["operation": "get_repository", "owner": "apple", "repo": "swift-nio"], context: .test())
            #expect(repo.data["stars"] == 8100)
            #expect(repo.text.hasPrefix("apple/swift-nio: ★8100, 660 forks, 230 open issues."))
            await #expect(throws: ToolError.failed("GitHub has no repos/apple/nope")) {
                try await tool.invoke(["operation": "get_repository", "owner": "apple", "repo": "nope"], context: .test())
            }
        }
    }

    @Test func listsIssuesMarkingPullRequests() async throws {
        try await Self.withFixture { tool, seen in
            let output = try await tool.invoke(["operation": "list_issues", "owner": "vapor", "repo": "vapor", "state": "closed", "limit": 2], context: .test())
            #expect(output.text == "#3301 Crash when the client disconnects mid-stream (open)\n#3299 Add async middleware docs (open)")
            #expect(output.data["issues"]?.arrayValue?.map { $0["pull_request"] } == [false, true])
            #expect(seen.all.first?.contains("state=closed") == true)
        }
    }

    @Test func rateLimitIsRetryableWithTheResetTime() async throws {
        try await Self.withFixture { tool, _ in
            await #expect(throws: ToolError.retry("GitHub rate limit exceeded; it resets at 2026-11-22T03:10:00Z", after: .seconds(600))) {
                try await tool.invoke(["operation": "get_user", "user": "someone"], context: .test())
            }
        }
    }

    @Test func getsAUser() async throws {
        try await Self.withFixture { tool, _ in
            let output = try await tool.invoke(["operation": "get_user", "user": "torvalds"], context: .test())
            #expect(output.text == "torvalds (Linus Torvalds): 8 public repositories, 230000 followers.")
            #expect(output.data["location"] == "Portland, OR")
        }
    }
}

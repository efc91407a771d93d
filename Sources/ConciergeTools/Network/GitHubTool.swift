public import AsyncHTTPClient
public import ConciergeCore
public import Foundation
import NIOHTTP1

/// `github`: search repositories, get a repository, list or search issues, get a user, over the GitHub REST API.
/// A rate-limit answer (403/429 with `x-ratelimit-remaining: 0` or `retry-after`) is a retryable error carrying the
/// reset time.
public struct GitHubTool: Tool {
    public let name = "github"
    public let description = """
        GitHub. operation: search_repositories (query, sort stars|forks|updated, limit), get_repository (owner, repo), \
        list_issues (owner, repo, state open|closed|all, limit), search_issues (query, limit), get_user (user).
        """
    public let parametersSchema: JSONValue = [
        "type": "object",
        "properties": [
            "operation": ["type": "string", "enum": ["search_repositories", "get_repository", "list_issues", "search_issues", "get_user"]],
            "query": ["type": "string", "minLength": 1, "maxLength": 256],
            "owner": ["type": "string", "minLength": 1, "maxLength": 100],
            "repo": ["type": "string", "minLength": 1, "maxLength": 100],
            "user": ["type": "string", "minLength": 1, "maxLength": 39],
            "state": ["type": "string", "enum": ["open", "closed", "all"]],
            "sort": ["type": "string", "enum": ["stars", "forks", "updated"]],
            "limit": ["type": "integer", "minimum": 1, "maximum": 30],
        ],
        "required": ["operation"],
        "additionalProperties": false,
    ]
    public var timeout: Duration { .seconds(15) }
    public var cacheTTL: Duration? { .seconds(3600) }

    let httpClient: HTTPClient
    let baseURL: String
    let token: String?
    let now: @Sendable () -> Date

    public init(httpClient: HTTPClient, baseURL: String = "https://api.github.com", token: String? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.httpClient = httpClient
        self.baseURL = baseURL
        self.token = token
        self.now = now
    }

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        let limit = Int(arguments["limit"]?.numberValue ?? 5)
        func required(_ key: String) throws -> String {
            guard let value = arguments[key]?.stringValue, !value.isEmpty else { throw ToolError.failed("\(key) is required for this operation") }
            return value
        }
        switch arguments["operation"]?.stringValue ?? "" {
        case "search_repositories":
            let query = try required("query")
            let json = try await get("/search/repositories", [("q", query), ("sort", arguments["sort"]?.stringValue ?? "stars"), ("order", "desc"), ("per_page", String(limit))])
            return GitHubFormat.repositories(json, query: query, limit: limit)
        case "get_repository":
            let path = "/repos/\(try required("owner"))/\(try required("repo"))"
            return GitHubFormat.repository(try await get(path, []))
        case "list_issues":
            let path = "/repos/\(try required("owner"))/\(try required("repo"))/issues"
            let json = try await get(path, [("state", arguments["state"]?.stringValue ?? "open"), ("per_page", String(limit))])
            return GitHubFormat.issues(json.arrayValue ?? [], total: nil, limit: limit)
        case "search_issues":
            let json = try await get("/search/issues", [("q", try required("query")), ("per_page", String(limit))])
            return GitHubFormat.issues(json["items"]?.arrayValue ?? [], total: json["total_count"]?.numberValue.map(Int.init), limit: limit)
        case "get_user":
            return GitHubFormat.user(try await get("/users/\(try required("user"))", []))
        case let other:
            throw ToolError.failed("unknown operation '\(other)'")
        }
    }

    func get(_ path: String, _ query: [(String, String)]) async throws -> JSONValue {
        let encodedPath = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        let url = baseURL + encodedPath + (query.isEmpty ? "" : "?" + ToolHTTP.query(query))
        var headers = [("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let reply = try await ToolHTTP.get(url, client: httpClient, headers: headers, timeout: timeout)
        if reply.status == 200, let json = reply.json { return json }
        if let limited = rateLimit(reply) { throw limited }
        if reply.status == 404 { throw ToolError.failed("GitHub has no \(path.dropFirst())") }
        throw ToolHTTP.failure(reply, service: "GitHub")
    }

    /// GitHub's primary and secondary rate limits.
    func rateLimit(_ reply: ToolHTTP.Reply) -> ToolError? {
        guard reply.status == 403 || reply.status == 429 else { return nil }
        if let seconds = reply.headers.first(name: "retry-after").flatMap(Int.init) {
            return .retry("GitHub rate limit: retry after \(seconds) s", after: .seconds(seconds))
        }
        guard reply.headers.first(name: "x-ratelimit-remaining") == "0", let reset = reply.headers.first(name: "x-ratelimit-reset").flatMap(Double.init) else {
            return reply.status == 429 ? .retry("GitHub rate limit") : nil
        }
        let resetAt = Date(timeIntervalSince1970: reset)
        let wait = max(0, resetAt.timeIntervalSince(now()))
        let stamp = ISO8601DateFormatter().string(from: resetAt)
        return .retry("GitHub rate limit exceeded; it resets at \(stamp)", after: .seconds(Int64(wait.rounded(.up))))
    }
}

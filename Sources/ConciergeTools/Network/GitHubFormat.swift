import ConciergeCore

/// Turns GitHub's documented response shapes into text and compact data.
enum GitHubFormat {
    static func repositories(_ json: JSONValue, query: String, limit: Int) -> ToolOutput {
        let items = (json["items"]?.arrayValue ?? []).prefix(limit).map(repositoryData)
        guard !items.isEmpty else { return ToolOutput(text: "No GitHub repositories match '\(query)'.", data: ["repositories": [], "total_count": 0]) }
        let lines = items.enumerated().map { index, repo in
            "\(index + 1). \(repo["full_name"]?.stringValue ?? "?") ★\(stars(repo)) — \(repo["description"]?.stringValue ?? "")"
        }
        return ToolOutput(
            text: "Top GitHub repositories for '\(query)':\n" + lines.joined(separator: "\n"),
            data: ["repositories": .array(Array(items)), "total_count": json["total_count"] ?? .null],
            sources: items.compactMap { $0["url"]?.stringValue }
        )
    }

    static func repository(_ json: JSONValue) -> ToolOutput {
        let repo = repositoryData(json)
        let text = "\(repo["full_name"]?.stringValue ?? "?"): ★\(stars(repo)), \(Int(repo["forks"]?.numberValue ?? 0)) forks, "
            + "\(Int(repo["open_issues"]?.numberValue ?? 0)) open issues. \(repo["description"]?.stringValue ?? "")"
        return ToolOutput(text: text, data: repo, sources: [repo["url"]?.stringValue].compactMap { $0 })
    }

    static func repositoryData(_ json: JSONValue) -> JSONValue {
        [
            "full_name": json["full_name"] ?? .null, "description": json["description"] ?? .null, "stars": json["stargazers_count"] ?? .null,
            "forks": json["forks_count"] ?? .null, "open_issues": json["open_issues_count"] ?? .null, "language": json["language"] ?? .null,
            "url": json["html_url"] ?? .null, "license": json["license"]?["spdx_id"] ?? .null,
        ]
    }

    static func stars(_ repo: JSONValue) -> Int { Int(repo["stars"]?.numberValue ?? 0) }

    static func issues(_ items: [JSONValue], total: Int?, limit: Int) -> ToolOutput {
        let issues: [JSONValue] = items.prefix(limit).map { issue in
            ["number": issue["number"] ?? .null, "title": issue["title"] ?? .null, "state": issue["state"] ?? .null,
             "author": issue["user"]?["login"] ?? .null, "comments": issue["comments"] ?? .null, "url": issue["html_url"] ?? .null,
             "pull_request": .bool(issue["pull_request"] != nil)]
        }
        guard !issues.isEmpty else { return ToolOutput(text: "No issues found.", data: ["issues": [], "total_count": .number(Double(total ?? 0))]) }
        let lines = issues.map { "#\(Int($0["number"]?.numberValue ?? 0)) \($0["title"]?.stringValue ?? "") (\($0["state"]?.stringValue ?? ""))" }
        return ToolOutput(
            text: lines.joined(separator: "\n"),
            data: ["issues": .array(issues), "total_count": total.map { .number(Double($0)) } ?? .null],
            sources: issues.compactMap { $0["url"]?.stringValue }
        )
    }

    static func user(_ json: JSONValue) -> ToolOutput {
        let data: JSONValue = [
            "login": json["login"] ?? .null, "name": json["name"] ?? .null, "company": json["company"] ?? .null, "location": json["location"] ?? .null,
            "bio": json["bio"] ?? .null, "public_repos": json["public_repos"] ?? .null, "followers": json["followers"] ?? .null, "url": json["html_url"] ?? .null,
        ]
        let text = "\(json["login"]?.stringValue ?? "?")\(json["name"]?.stringValue.map { " (\($0))" } ?? ""): "
            + "\(Int(json["public_repos"]?.numberValue ?? 0)) public repositories, \(Int(json["followers"]?.numberValue ?? 0)) followers."
        return ToolOutput(text: text, data: data, sources: [json["html_url"]?.stringValue].compactMap { $0 })
    }
}

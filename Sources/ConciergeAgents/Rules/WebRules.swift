import ConciergeCore
import Foundation

enum FetchRule {
    static func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        guard let url = clause.captures(#"(https?://[^\s<>"')]+)"#)?[1] else { return nil }
        let cleaned = url.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?"))
        return RuleMatch(tool: "http_fetch", arguments: ["url": .string(cleaned)], purpose: "Read \(cleaned)")
    }
}

enum GitHubRule {
    static let keyword = #"\b(github|repos?|repositor(?:y|ies)|starred|stars|open[- ]source|pull requests?)\b"#
    static let repository = #"(?<![:/\w])([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9_.-]*[A-Za-z0-9_-])"#

    static func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        let mentionsGitHub = clause.matches(keyword)
        if let parts = clause.captures(repository), mentionsGitHub || clause.matches(#"\bissues?\b"#), parts[1].count > 1 {
            return repositoryMatch(owner: parts[1], name: parts[2], clause: clause)
        }
        guard mentionsGitHub else { return nil }
        if let user = clause.captures(#"\b(?:user|profile|account|developer)\s+@?([A-Za-z0-9-]{2,39})\b"#)?[1]
            ?? clause.captures(#"\bwho\s+is\s+@?([A-Za-z0-9-]{2,39})\s+on\s+github\b"#)?[1]
            ?? clause.captures(#"@([A-Za-z0-9-]{2,39})\b"#)?[1], !["on", "the", "a"].contains(user.lowercased())
        {
            return RuleMatch(tool: "github", arguments: ["operation": "get_user", "user": .string(user)], purpose: "GitHub user \(user)")
        }
        let topic = Slots.topic(of: clause, dropping: ["issues", "issue", "stargazers", "starred", "stars", "open-source", "open", "source"])
        guard !topic.isEmpty else { return nil }
        if clause.matches(#"\bissues?\b"#) {
            return RuleMatch(tool: "github", arguments: ["operation": "search_issues", "query": .string(topic), "limit": .number(Double(Slots.count(in: clause) ?? 5))],
                             purpose: "GitHub issues about \(topic)", carrySlot: "query")
        }
        return RuleMatch(
            tool: "github",
            arguments: ["operation": "search_repositories", "query": .string(topic), "sort": "stars", "limit": .number(Double(Slots.count(in: clause) ?? 5))],
            purpose: "Most-starred GitHub repositories for \(topic)", carrySlot: "query"
        )
    }

    static func repositoryMatch(owner: String, name: String, clause: String) -> RuleMatch {
        let base: [String: JSONValue] = ["owner": .string(owner), "repo": .string(name)]
        if clause.matches(#"\bissues?\b"#) {
            var arguments = base
            arguments["operation"] = "list_issues"
            arguments["state"] = clause.matches(#"\bclosed\b"#) ? "closed" : "open"
            arguments["limit"] = .number(Double(Slots.count(in: clause.replacingOccurrences(of: "\(owner)/\(name)", with: "")) ?? 10))
            return RuleMatch(tool: "github", arguments: arguments, purpose: "Issues of \(owner)/\(name)")
        }
        var arguments = base
        arguments["operation"] = "get_repository"
        return RuleMatch(tool: "github", arguments: arguments, purpose: "GitHub repository \(owner)/\(name)")
    }
}

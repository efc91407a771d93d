import Foundation
import Yams

/// The `llm:` section of the config file: deployments and aliases, too nested for flat settings, so it is decoded
/// with Yams directly (JSON is YAML, so JSON config files work too). Flat `llm.*` settings live in ``Settings``.
struct LLMFileSection: Sendable, Equatable, Decodable {
    struct Deployment: Sendable, Equatable, Decodable {
        struct Prices: Sendable, Equatable, Decodable {
            /// USD per million tokens.
            var input: Double?
            var output: Double?
            var cached: Double?
        }

        var name: String
        /// `openai-compatible` or `anthropic`; defaults to the preset's kind, else `openai-compatible`.
        var kind: String?
        /// openai, zai, gemini, ollama, vllm, llamacpp, anthropic: fills base_url, kind and api_key_env.
        var preset: String?
        var baseURL: String?
        /// The NAME of the environment variable holding the key.
        var apiKeyEnv: String?
        var model: String
        var prices: Prices?
        var timeoutS: Double?
        var maxConcurrency: Int?
        var nativeTools: Bool?
        var streamUsage: Bool?
        /// Also serve `/v1/embeddings` through this deployment.
        var embeddings: Bool?

        enum CodingKeys: String, CodingKey {
            case name, kind, preset, model, prices, embeddings
            case baseURL = "base_url"
            case apiKeyEnv = "api_key_env"
            case timeoutS = "timeout_s"
            case maxConcurrency = "max_concurrency"
            case nativeTools = "native_tools"
            case streamUsage = "stream_usage"
        }
    }

    var deployments: [Deployment]
    /// Alias → ordered fallback chain of deployment names.
    var aliases: [String: [String]]

    enum CodingKeys: String, CodingKey { case deployments, aliases }

    init(deployments: [Deployment] = [], aliases: [String: [String]] = [:]) {
        self.deployments = deployments
        self.aliases = aliases
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        deployments = try container.decodeIfPresent([Deployment].self, forKey: .deployments) ?? []
        aliases = try container.decodeIfPresent([String: [String]].self, forKey: .aliases) ?? [:]
    }

    private struct File: Decodable {
        let llm: LLMFileSection?
    }

    /// Reads the `llm:` section of a YAML or JSON file; an absent section is empty.
    static func load(path: String) throws -> LLMFileSection {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try YAMLDecoder().decode(File.self, from: text).llm ?? LLMFileSection()
    }
}

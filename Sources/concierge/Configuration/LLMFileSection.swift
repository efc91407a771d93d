import Foundation
import Yams

/// The `llm:` section of the config file: deployments (a mapping from name to settings, in file order) and aliases
/// (name → ordered list of deployment names). The file is still read by swift-configuration for flat settings; this
/// nested part is decoded with Yams (JSON is YAML, so JSON config files work too). Deployments are a mapping, not a
/// list, because swift-configuration's YAML reader refuses lists of mappings.
struct LLMFileSection: Sendable, Equatable, Decodable {
    struct Deployment: Sendable, Equatable, Decodable {
        struct Prices: Sendable, Equatable, Decodable {
            /// USD per million tokens.
            var input: Double?
            var output: Double?
            var cached: Double?
        }

        /// The mapping key.
        var name = ""
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
        /// Retries on this deployment before falling back; defaults to `llm.max_retries`.
        var maxRetries: Int?
        var maxConcurrency: Int?
        var nativeTools: Bool?
        var streamUsage: Bool?
        /// Also serve `/v1/embeddings` through this deployment.
        var embeddings: Bool?

        enum CodingKeys: String, CodingKey {
            case kind, preset, model, prices, embeddings
            case baseURL = "base_url"
            case apiKeyEnv = "api_key_env"
            case timeoutS = "timeout_s"
            case maxRetries = "max_retries"
            case maxConcurrency = "max_concurrency"
            case nativeTools = "native_tools"
            case streamUsage = "stream_usage"
        }
    }

    /// In file order.
    var deployments: [Deployment]
    /// Alias → ordered fallback chain of deployment names.
    var aliases: [String: [String]]

    init(deployments: [Deployment] = [], aliases: [String: [String]] = [:]) {
        self.deployments = deployments
        self.aliases = aliases
    }

    private struct Section: Decodable {
        let deployments: [String: Deployment]?
        let aliases: [String: [String]]?
    }

    private struct File: Decodable {
        let llm: Section?
    }

    /// Reads the `llm:` section of a YAML or JSON file; an absent section is empty.
    static func load(path: String) throws -> LLMFileSection {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let section = try YAMLDecoder().decode(File.self, from: text).llm else { return LLMFileSection() }
        // Dictionaries lose the file's order, which the implicit `default` alias follows: read it from the node.
        let order = try Yams.compose(yaml: text)?["llm"]?["deployments"]?.mapping?.keys.compactMap(\.string) ?? []
        let deployments = section.deployments ?? [:]
        return LLMFileSection(
            deployments: order.compactMap { name in deployments[name].map { var entry = $0; entry.name = name; return entry } },
            aliases: section.aliases ?? [:]
        )
    }
}

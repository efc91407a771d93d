import ConciergeCore
import ConciergeLLM

/// The deployments and aliases the server runs with, resolved from the config file's `llm:` section, the
/// `CONCIERGE_LLM_*` shortcut and the local model default.
struct LLMSetup: Sendable {
    var deployments: [DeploymentSettings]
    /// Deployments that also serve embeddings.
    var embeddingDeployments: Set<String>
    var aliases: [String: [String]]
    /// One line per deployment that cannot be used (its key variable is unset); `check-config` prints them.
    var problems: [String]

    static let localName = "local"
    static let environmentName = "env"

    static func resolve(_ configuration: AppConfiguration, environment: [String: String]) -> LLMSetup {
        var setup = LLMSetup(deployments: [], embeddingDeployments: [], aliases: configuration.llmFile.aliases, problems: [])
        let timeout = Duration.milliseconds(Int64(configuration.llmTimeoutSeconds * 1000))
        for entry in configuration.llmFile.deployments {
            switch deployment(entry, environment: environment, defaultTimeout: timeout) {
            case .success(let settings):
                setup.deployments.append(settings)
                if entry.embeddings == true { setup.embeddingDeployments.insert(settings.name) }
            case .failure(let problem):
                setup.problems.append(problem.message)
            }
        }
        if let baseURL = configuration.llmBaseURL {
            if let model = configuration.llmModel {
                setup.deployments.append(DeploymentSettings(
                    name: environmentName, baseURL: baseURL, apiKeyVariable: "CONCIERGE_LLM_API_KEY", apiKey: configuration.llmAPIKey,
                    model: model, timeout: timeout
                ))
                setup.embeddingDeployments.insert(environmentName)
            } else {
                setup.problems.append("CONCIERGE_LLM_MODEL: must be set when CONCIERGE_LLM_BASE_URL is set")
            }
        }
        if !setup.deployments.contains(where: { $0.name == localName }) {
            setup.deployments.append(DeploymentSettings(
                name: localName, baseURL: "http://127.0.0.1:\(configuration.llmLocalPort)/v1", model: configuration.llmLocalModel,
                timeout: .milliseconds(Int64(configuration.llmLocalTimeoutSeconds * 1000)), maxConcurrency: 8, nativeTools: false,
                maxRetries: configuration.llmLocalMaxRetries
            ))
            setup.embeddingDeployments.insert(localName)
        }
        let usable = Set(setup.deployments.map(\.name))
        // Aliases naming an unusable deployment keep the rest of their chain.
        for (alias, chain) in setup.aliases {
            let kept = chain.filter(usable.contains)
            for missing in chain where !usable.contains(missing) && !configuration.llmFile.deployments.contains(where: { $0.name == missing }) {
                setup.problems.append("llm.aliases.\(alias): names unknown deployment '\(missing)'")
            }
            setup.aliases[alias] = kept.isEmpty ? [localName] : kept
        }
        if setup.aliases["default"] == nil {
            // The usable configured deployments in order; with no cloud deployment, the local model.
            let configured = setup.deployments.map(\.name).filter { $0 != localName }
            setup.aliases["default"] = configured.isEmpty ? [localName] : configured
        }
        return setup
    }

    struct Problem: Error {
        let message: String
    }

    static func deployment(
        _ entry: LLMFileSection.Deployment, environment: [String: String], defaultTimeout: Duration
    ) -> Result<DeploymentSettings, Problem> {
        let where_ = "llm.deployments.\(entry.name)"
        var preset: ProviderPreset?
        if let name = entry.preset {
            guard let known = ProviderPreset(rawValue: name) else {
                return .failure(Problem(message: "\(where_).preset: unknown preset '\(name)' (known: \(ProviderPreset.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            preset = known
        }
        let kindName = entry.kind ?? preset?.kind.rawValue ?? DeploymentSettings.Kind.openAICompatible.rawValue
        guard let kind = DeploymentSettings.Kind(rawValue: kindName) else {
            return .failure(Problem(message: "\(where_).kind: must be openai-compatible or anthropic, got '\(kindName)'"))
        }
        guard let baseURL = entry.baseURL ?? preset?.baseURL else {
            return .failure(Problem(message: "\(where_).base_url: must be set (or name a preset)"))
        }
        let keyVariable = entry.apiKeyEnv ?? preset?.apiKeyVariable
        var key: String?
        if let keyVariable {
            key = environment[keyVariable].flatMap { $0.isEmpty ? nil : $0 }
            if key == nil {
                return .failure(Problem(message: "\(where_).api_key_env: environment variable \(keyVariable) is not set; deployment skipped"))
            }
        }
        let prices = TokenPrices(
            inputPerMillion: MicroUSD(usd: entry.prices?.input ?? 0),
            outputPerMillion: MicroUSD(usd: entry.prices?.output ?? 0),
            cachedPerMillion: entry.prices?.cached.map { MicroUSD(usd: $0) }
        )
        return .success(DeploymentSettings(
            name: entry.name, kind: kind, baseURL: baseURL, apiKeyVariable: keyVariable, apiKey: key, model: entry.model, prices: prices,
            timeout: entry.timeoutS.map { .milliseconds(Int64($0 * 1000)) } ?? defaultTimeout,
            maxConcurrency: entry.maxConcurrency ?? 64, nativeTools: entry.nativeTools ?? preset?.nativeTools ?? true,
            streamUsage: entry.streamUsage ?? true, maxRetries: entry.maxRetries.map { min(max($0, 0), 10) }
        ))
    }
}

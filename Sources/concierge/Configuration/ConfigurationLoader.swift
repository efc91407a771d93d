import Configuration
import Foundation
import SystemPackage

/// A setting that is wrong, as one line naming it. Never contains a secret's value.
struct ConfigurationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    let setting: String
    let message: String

    var description: String { "\(setting): \(message)" }
}

/// Builds ``AppConfiguration`` with swift-configuration: flags over environment over config file over defaults.
enum ConfigurationLoader {
    /// The environment variable naming the config file (also `--config`).
    static let configFileVariable = "CONCIERGE_CONFIG"

    /// Loads every setting, collecting every problem rather than stopping at the first.
    static func load(
        environment: [String: String],
        flags: [String: String] = [:],
        configFile explicitFile: String? = nil
    ) async -> (AppConfiguration, [ConfigurationProblem]) {
        var configuration = AppConfiguration()
        var problems: [ConfigurationProblem] = []
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flagValues(flags)),
            KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { key in
                AbsoluteConfigKey([environmentName(for: key) ?? "CONCIERGE_UNKNOWN_SETTING"])
            },
        ]
        let configFile = explicitFile ?? environment[configFileVariable].flatMap { $0.isEmpty ? nil : $0 }
        if let configFile {
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(configFile)))
                configuration.configFile = configFile
            } catch {
                problems.append(.init(setting: configFileVariable, message: "cannot read config file '\(configFile)': \(describe(error))"))
            }
        }
        if let configFile = configuration.configFile {
            do {
                configuration.llmFile = try LLMFileSection.load(path: configFile)
            } catch {
                problems.append(.init(setting: "llm (config file section)", message: "cannot read deployments and aliases: \(describe(error))"))
            }
        }
        let reader = ConfigReader(providers: providers)
        for setting in Settings.all {
            guard let raw = reader.string(forKey: ConfigKey(setting.key), isSecret: setting.isSecret) else { continue }
            if let message = setting.apply(raw, &configuration) {
                problems.append(.init(setting: source(of: setting, environment: environment, flags: flags), message: message))
            }
        }
        if problems.isEmpty { problems += Settings.crossCheck(configuration) }
        return (configuration, problems)
    }

    private static func flagValues(_ flags: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for setting in Settings.all {
            guard let flag = setting.flag, let value = flags[flag] else { continue }
            values[AbsoluteConfigKey(ConfigKey(setting.key))] = ConfigValue(.string(value), isSecret: setting.isSecret)
        }
        return values
    }

    private static func environmentName(for key: AbsoluteConfigKey) -> String? {
        let dotted = key.components.joined(separator: ".")
        return Settings.all.first { $0.key == dotted }?.environment
    }

    /// Names the setting as the user wrote it: the flag, the variable, or the file key.
    private static func source(of setting: Setting, environment: [String: String], flags: [String: String]) -> String {
        if let flag = setting.flag, flags[flag] != nil { return "--\(flag)" }
        if environment[setting.environment] != nil { return setting.environment }
        return "\(setting.environment) (config file key '\(setting.key)')"
    }

    private static func describe(_ error: any Error) -> String {
        String(describing: error).replacingOccurrences(of: "\n", with: " ")
    }
}

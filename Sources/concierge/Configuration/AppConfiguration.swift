import ConciergeCore
import Logging

/// Every setting of the server, as plain values. Built by ``ConfigurationLoader`` from defaults, an optional
/// config file, the environment and command-line flags, in rising precedence.
struct AppConfiguration: Sendable, Equatable {
    enum LogFormat: String, Sendable, CaseIterable {
        case json, text
    }

    var host = "127.0.0.1"
    var port = 8080
    var dataDirectory = "./data"
    /// Unset means the embedded SQLite store.
    var databaseURL: String?
    var databasePoolSize = 10
    var logLevel = Logger.Level.info
    var logFormat = LogFormat.json
    var maxBodyBytes = 1_048_576
    /// How long in-flight work may take to finish after SIGTERM before it is cut off.
    var drainTimeoutSeconds = 10.0
    /// How long readiness answers 503 while the server still serves, so load balancers can stop routing to it.
    var shutdownDelaySeconds = 1.0
    /// The config file read, if any.
    var configFile: String?

    // Models layer (see docs/configuration.md, "Models").
    /// One OpenAI-compatible deployment behind alias `default`, without a config file.
    var llmBaseURL: String?
    var llmAPIKey: String?
    var llmModel: String?
    /// The local model server (scripts/local-model) on 127.0.0.1.
    var llmLocalPort = 8081
    var llmLocalModel = "SmolLM2-135M-Instruct"
    var llmTimeoutSeconds = 60.0
    var llmMaxRetries = 2
    var llmBreakerFailures = 5
    var llmBreakerCoolDownSeconds = 30.0
    var llmCacheTTLSeconds = 3600.0
    /// Deployments and aliases from the config file's `llm:` section.
    var llmFile = LLMFileSection()

    /// The SQLite file used when no `DATABASE_URL` is set.
    var sqlitePath: String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "concierge.sqlite"
    }
}

import ConciergeCore
import ConciergeHTTP
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
    /// Release start-up's clean code pages from the page tables once serving (see `StartupPageTrim`).
    var trimStartupPages = true
    /// Whether `serve` runs job workers in-process (off for HTTP-only replicas).
    var jobsWorkersEnabled = true
    var jobsLeaseSeconds = 30.0
    var jobsHeartbeatSeconds = 10.0
    /// How often an idle queue polls when no notification came.
    var jobsPollIntervalMilliseconds = 1000
    /// Jobs run at once per queue.
    var jobsConcurrency = 8
    /// After shutdown begins, how long running jobs may finish before their leases are released.
    var jobsDrainTimeoutSeconds = 5.0
    var jobsRetentionDays = 7.0
    /// `/health/ready` fails when the oldest waiting job has waited longer than this.
    var jobsMaxOldestWaitingSeconds = 300.0
    /// API keys on `/v1` and `/admin`; off is allowed only on loopback.
    var authEnabled = true
    /// Requests per minute per key without its own limit, and per client IP where no key applies; 0 turns limits off.
    var rateLimitRequestsPerMinute = 100
    /// `max_tokens` given to model calls of keys with a budget that name none, so their worst case is bounded.
    var budgetDefaultMaxTokens = 4096
    /// Seconds a looked-up API key is reused from memory (a revocation elsewhere is seen within this); 0: no cache.
    var authKeyCacheSeconds = 5.0
    /// Browser origins allowed by CORS (`https://app.example.com`); empty: none.
    var corsOrigins: [String] = []
    /// End-user tokens (JWT); nil unless `jwt.hmac_key` is set.
    var jwtHMACKey: String?
    var jwtIssuer: String?
    var jwtAudience: String?
    var jwtRoleClaim = "role"
    var jwtBudgetDayUSD: Double?
    var jwtBudgetMonthUSD: Double?
    /// Audit events older than this are deleted.
    var auditRetentionDays = 90.0
    /// Bearer token for `/metrics` when the server does not bind to loopback.
    var metricsToken: String?
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
    /// The built-in `local` deployment's own bounds: a small model on a busy CPU is slow, not flaky, so one
    /// short attempt and then the rule planner beats minutes of retries.
    var llmLocalTimeoutSeconds = 20.0
    var llmLocalMaxRetries = 0
    var llmBreakerFailures = 5
    var llmBreakerCoolDownSeconds = 30.0
    var llmCacheTTLSeconds = 3600.0
    /// Ledger rows are written behind the response every this many milliseconds; 0: each call waits for its row.
    var llmLedgerFlushMilliseconds = 50
    /// Whether `serve` writes ledger rows behind the response (a flusher and, on SQLite, its low-priority writer).
    var llmLedgerWritesBehind: Bool { llmLedgerFlushMilliseconds > 0 }
    /// ... or as soon as this many rows wait, if that comes first.
    var llmLedgerBatchRows = 32
    /// Nice steps above the process for the thread that writes those rows to SQLite (0: GRDB's queue, at the calls'
    /// priority).
    var llmLedgerWriterNice = 10
    /// Deployments and aliases from the config file's `llm:` section.
    var llmFile = LLMFileSection()

    // Tasks (see docs/configuration.md, "Tasks").
    /// Longest task text accepted, in characters.
    var tasksMaxCharacters = 5000
    /// Most steps a plan may have.
    var tasksMaxSteps = 8
    /// Independent steps of one run executed at once.
    var tasksStepConcurrency = 4
    /// Attempts per tool call (retryable errors only).
    var tasksToolAttempts = 3
    var tasksPlanMaxTokens = 512
    var tasksJudgeMaxTokens = 192
    var tasksPlanTimeoutSeconds = 30.0
    var tasksProgressIntervalMilliseconds = 200
    /// Finished runs older than this are deleted by the daily sweep.
    var tasksRetentionDays = 7.0
    /// Open-Meteo's geocoding and forecast base URLs (the `weather` tool).
    var toolsWeatherGeocodingURL = "https://geocoding-api.open-meteo.com"
    var toolsWeatherForecastURL = "https://api.open-meteo.com"
    /// OpenWeatherMap's base URL and key: with a key, the `weather` tool uses OpenWeatherMap instead of Open-Meteo.
    var toolsOpenWeatherURL = "https://api.openweathermap.org"
    var toolsOpenWeatherAPIKey: String?
    /// Hosts `http_fetch` may reach even when they resolve to internal addresses (names, `.suffix` names, addresses).
    var toolsFetchAllowlist: [String] = []
    var toolsFetchMaxBytes = 1_048_576
    var toolsGitHubURL = "https://api.github.com"
    /// Optional token for the GitHub API (higher rate limits).
    var toolsGitHubToken: String?

    /// The SQLite file used when no `DATABASE_URL` is set.
    var sqlitePath: String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "concierge.sqlite"
    }

    /// The JWT settings when a key is configured (the configuration check ensures issuer and audience are set).
    var jwt: JWTAuthenticator.Settings? {
        guard let jwtHMACKey, let jwtIssuer, let jwtAudience else { return nil }
        return JWTAuthenticator.Settings(
            hmacKey: jwtHMACKey, issuer: jwtIssuer, audience: jwtAudience, roleClaim: jwtRoleClaim,
            limits: KeyLimits(budgetPerDay: jwtBudgetDayUSD.map { MicroUSD(usd: $0) }, budgetPerMonth: jwtBudgetMonthUSD.map { MicroUSD(usd: $0) })
        )
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}

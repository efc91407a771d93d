import ConciergeHTTP
import ConciergeStorePostgres
import Foundation
import Logging

/// The table of every setting. Add a row here and to `docs/configuration.md`.
enum Settings {
    static let all: [Setting] = [
        Setting("server.host", env: "CONCIERGE_HOST", flag: "host", default: "127.0.0.1") { raw, config in
            guard !raw.isEmpty, !raw.contains(where: \.isWhitespace) else { return "must be a host name or IP address" }
            config.host = raw
            return nil
        },
        Setting("server.port", env: "CONCIERGE_PORT", flag: "port", default: "8080") { raw, config in
            guard let port = Int(raw), (0...65535).contains(port) else { return "must be a port number from 0 to 65535, got '\(raw)'" }
            config.port = port
            return nil
        },
        Setting("data_dir", env: "CONCIERGE_DATA_DIR", flag: "data-dir", default: "./data") { raw, config in
            guard !raw.isEmpty else { return "must be a directory path" }
            config.dataDirectory = raw
            return nil
        },
        Setting("database.url", env: "DATABASE_URL", flag: "database-url", default: "(unset: SQLite)", secret: true) { raw, config in
            guard !raw.isEmpty else { return nil }
            do {
                _ = try PostgresURL(raw)
            } catch {
                return "is not a usable PostgreSQL URL (\(PostgresURL.redacted(raw))): \(error)"
            }
            config.databaseURL = raw
            return nil
        },
        Setting("database.pool_size", env: "CONCIERGE_DB_POOL_SIZE", default: "10") { raw, config in
            guard let size = Int(raw), (1...1000).contains(size) else { return "must be an integer from 1 to 1000, got '\(raw)'" }
            config.databasePoolSize = size
            return nil
        },
        Setting("log.level", env: "CONCIERGE_LOG_LEVEL", flag: "log-level", default: "info") { raw, config in
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                return "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(raw)'"
            }
            config.logLevel = level
            return nil
        },
        Setting("log.format", env: "CONCIERGE_LOG_FORMAT", flag: "log-format", default: "json") { raw, config in
            guard let format = AppConfiguration.LogFormat(rawValue: raw.lowercased()) else { return "must be json or text, got '\(raw)'" }
            config.logFormat = format
            return nil
        },
        Setting("server.max_body_bytes", env: "CONCIERGE_MAX_BODY_BYTES", default: "1048576") { raw, config in
            guard let bytes = Int(raw), (1...(1 << 30)).contains(bytes) else { return "must be a byte count from 1 to 1073741824, got '\(raw)'" }
            config.maxBodyBytes = bytes
            return nil
        },
        Setting("server.drain_timeout_s", env: "CONCIERGE_DRAIN_TIMEOUT_S", default: "10") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, (0...3600).contains(seconds) else {
                return "must be a number of seconds from 0 to 3600, got '\(raw)'"
            }
            config.drainTimeoutSeconds = seconds
            return nil
        },
        Setting("server.shutdown_delay_s", env: "CONCIERGE_SHUTDOWN_DELAY_S", default: "1") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, (0...3600).contains(seconds) else {
                return "must be a number of seconds from 0 to 3600, got '\(raw)'"
            }
            config.shutdownDelaySeconds = seconds
            return nil
        },
        Setting("server.trim_startup_pages", env: "CONCIERGE_TRIM_STARTUP_PAGES", default: "true") { raw, config in
            guard let enabled = Settings.bool(raw) else { return "must be true or false, got '\(raw)'" }
            config.trimStartupPages = enabled
            return nil
        },
        Setting("jobs.workers", env: "CONCIERGE_JOBS_WORKERS", default: "true") { raw, config in
            guard let enabled = Settings.bool(raw) else { return "must be true or false, got '\(raw)'" }
            config.jobsWorkersEnabled = enabled
            return nil
        },
        Setting("jobs.lease_s", env: "CONCIERGE_JOBS_LEASE_S", default: "30") { raw, config in
            guard let seconds = Settings.seconds(raw, in: 1...86_400) else { return "must be a number of seconds from 1 to 86400, got '\(raw)'" }
            config.jobsLeaseSeconds = seconds
            return nil
        },
        Setting("jobs.heartbeat_s", env: "CONCIERGE_JOBS_HEARTBEAT_S", default: "10") { raw, config in
            guard let seconds = Settings.seconds(raw, in: 0.05...3600) else { return "must be a number of seconds from 0.05 to 3600, got '\(raw)'" }
            config.jobsHeartbeatSeconds = seconds
            return nil
        },
        Setting("jobs.poll_interval_ms", env: "CONCIERGE_JOBS_POLL_MS", default: "1000") { raw, config in
            guard let ms = Int(raw), (1...600_000).contains(ms) else { return "must be milliseconds from 1 to 600000, got '\(raw)'" }
            config.jobsPollIntervalMilliseconds = ms
            return nil
        },
        Setting("jobs.concurrency", env: "CONCIERGE_JOBS_CONCURRENCY", default: "8") { raw, config in
            guard let count = Int(raw), (1...10_000).contains(count) else { return "must be an integer from 1 to 10000, got '\(raw)'" }
            config.jobsConcurrency = count
            return nil
        },
        Setting("jobs.drain_timeout_s", env: "CONCIERGE_JOBS_DRAIN_TIMEOUT_S", default: "5") { raw, config in
            guard let seconds = Settings.seconds(raw, in: 0...3600) else { return "must be a number of seconds from 0 to 3600, got '\(raw)'" }
            config.jobsDrainTimeoutSeconds = seconds
            return nil
        },
        Setting("jobs.retention_days", env: "CONCIERGE_JOBS_RETENTION_DAYS", default: "7") { raw, config in
            guard let days = Settings.seconds(raw, in: 0.001...36_500) else { return "must be a number of days from 0.001 to 36500, got '\(raw)'" }
            config.jobsRetentionDays = days
            return nil
        },
        Setting("jobs.max_oldest_waiting_s", env: "CONCIERGE_JOBS_MAX_OLDEST_WAITING_S", default: "300") { raw, config in
            guard let seconds = Settings.seconds(raw, in: 1...31_536_000) else { return "must be a number of seconds from 1 to 31536000, got '\(raw)'" }
            config.jobsMaxOldestWaitingSeconds = seconds
            return nil
        },
        Setting("auth.mode", env: "CONCIERGE_AUTH", default: "on") { raw, config in
            switch raw.lowercased() {
            case "on": config.authEnabled = true
            case "off": config.authEnabled = false
            default: return "must be on or off, got '\(raw)'"
            }
            return nil
        },
        Setting("auth.rate_limit_rpm", env: "CONCIERGE_RATE_LIMIT_RPM", default: "100") { raw, config in
            guard let rpm = Int(raw), (0...1_000_000).contains(rpm) else { return "must be an integer from 0 (off) to 1000000, got '\(raw)'" }
            config.rateLimitRequestsPerMinute = rpm
            return nil
        },
        Setting("auth.key_cache_s", env: "CONCIERGE_AUTH_KEY_CACHE_S", default: "5") { raw, config in
            guard let seconds = Settings.seconds(raw, in: 0...300) else { return "must be a number of seconds from 0 (no cache) to 300, got '\(raw)'" }
            config.authKeyCacheSeconds = seconds
            return nil
        },
        Setting("auth.budget_default_max_tokens", env: "CONCIERGE_BUDGET_DEFAULT_MAX_TOKENS", default: "4096") { raw, config in
            guard let tokens = Int(raw), (1...1_000_000).contains(tokens) else { return "must be an integer from 1 to 1000000, got '\(raw)'" }
            config.budgetDefaultMaxTokens = tokens
            return nil
        },
        Setting("audit.retention_days", env: "CONCIERGE_AUDIT_RETENTION_DAYS", default: "90") { raw, config in
            guard let days = Settings.seconds(raw, in: 1...36_500) else { return "must be a number of days from 1 to 36500, got '\(raw)'" }
            config.auditRetentionDays = days
            return nil
        },
        Setting("server.cors_origins", env: "CONCIERGE_CORS_ORIGINS", default: "(unset: no CORS)") { raw, config in
            let origins = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for origin in origins where origin != "*" {
                guard origin.hasPrefix("http://") || origin.hasPrefix("https://"), !origin.dropFirst(8).contains("/") else {
                    return "must be a comma-separated list of origins like https://app.example.com (no path), or *, got '\(origin)'"
                }
            }
            config.corsOrigins = origins
            return nil
        },
        Setting("jwt.hmac_key", env: "CONCIERGE_JWT_HMAC_KEY", default: "(unset: API keys only)", secret: true) { raw, config in
            guard !raw.isEmpty else { return nil }
            guard raw.utf8.count >= 32 else { return "must be at least 32 bytes" }
            config.jwtHMACKey = raw
            return nil
        },
        Setting("jwt.issuer", env: "CONCIERGE_JWT_ISSUER", default: "(unset)") { raw, config in
            config.jwtIssuer = raw.isEmpty ? nil : raw
            return nil
        },
        Setting("jwt.audience", env: "CONCIERGE_JWT_AUDIENCE", default: "(unset)") { raw, config in
            config.jwtAudience = raw.isEmpty ? nil : raw
            return nil
        },
        Setting("jwt.role_claim", env: "CONCIERGE_JWT_ROLE_CLAIM", default: "role") { raw, config in
            guard !raw.isEmpty else { return "must be a claim name" }
            config.jwtRoleClaim = raw
            return nil
        },
        Setting("jwt.budget_day_usd", env: "CONCIERGE_JWT_BUDGET_DAY_USD", default: "(unset: none)") { raw, config in
            guard !raw.isEmpty else { return nil }
            guard let usd = Double(raw), usd.isFinite, usd >= 0 else { return "must be a number of USD, got '\(raw)'" }
            config.jwtBudgetDayUSD = usd
            return nil
        },
        Setting("jwt.budget_month_usd", env: "CONCIERGE_JWT_BUDGET_MONTH_USD", default: "(unset: none)") { raw, config in
            guard !raw.isEmpty else { return nil }
            guard let usd = Double(raw), usd.isFinite, usd >= 0 else { return "must be a number of USD, got '\(raw)'" }
            config.jwtBudgetMonthUSD = usd
            return nil
        },
        Setting("metrics.token", env: "CONCIERGE_METRICS_TOKEN", default: "(unset: /metrics only on loopback)", secret: true) { raw, config in
            guard !raw.isEmpty else { return nil }
            guard raw.utf8.count >= 16, !raw.contains(where: \.isWhitespace) else { return "must be at least 16 characters with no spaces" }
            config.metricsToken = raw
            return nil
        },
        Setting("llm.base_url", env: "CONCIERGE_LLM_BASE_URL", default: "(unset)") { raw, config in
            guard !raw.isEmpty else { return nil }
            guard raw.hasPrefix("http://") || raw.hasPrefix("https://") else { return "must be an http(s) URL, got '\(raw)'" }
            config.llmBaseURL = raw
            return nil
        },
        Setting("llm.api_key", env: "CONCIERGE_LLM_API_KEY", default: "(unset)", secret: true) { raw, config in
            config.llmAPIKey = raw.isEmpty ? nil : raw
            return nil
        },
        Setting("llm.model", env: "CONCIERGE_LLM_MODEL", default: "(unset)") { raw, config in
            config.llmModel = raw.isEmpty ? nil : raw
            return nil
        },
        Setting("llm.local_port", env: "CONCIERGE_LLM_LOCAL_PORT", default: "8081") { raw, config in
            guard let port = Int(raw), (1...65535).contains(port) else { return "must be a port number from 1 to 65535, got '\(raw)'" }
            config.llmLocalPort = port
            return nil
        },
        Setting("llm.local_model", env: "CONCIERGE_LLM_LOCAL_MODEL", default: "SmolLM2-135M-Instruct") { raw, config in
            guard !raw.isEmpty else { return "must be a model name" }
            config.llmLocalModel = raw
            return nil
        },
        Setting("llm.local_timeout_s", env: "CONCIERGE_LLM_LOCAL_TIMEOUT_S", default: "20") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, seconds > 0, seconds <= 3600 else { return "must be seconds from 0 to 3600, got '\(raw)'" }
            config.llmLocalTimeoutSeconds = seconds
            return nil
        },
        Setting("llm.local_max_retries", env: "CONCIERGE_LLM_LOCAL_MAX_RETRIES", default: "0") { raw, config in
            guard let count = Int(raw), (0...10).contains(count) else { return "must be an integer from 0 to 10, got '\(raw)'" }
            config.llmLocalMaxRetries = count
            return nil
        },
        Setting("llm.timeout_s", env: "CONCIERGE_LLM_TIMEOUT_S", default: "60") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, seconds > 0, seconds <= 3600 else { return "must be seconds from 0 to 3600, got '\(raw)'" }
            config.llmTimeoutSeconds = seconds
            return nil
        },
        Setting("llm.max_retries", env: "CONCIERGE_LLM_MAX_RETRIES", default: "2") { raw, config in
            guard let count = Int(raw), (0...10).contains(count) else { return "must be an integer from 0 to 10, got '\(raw)'" }
            config.llmMaxRetries = count
            return nil
        },
        Setting("llm.breaker_failures", env: "CONCIERGE_LLM_BREAKER_FAILURES", default: "5") { raw, config in
            guard let count = Int(raw), (1...1000).contains(count) else { return "must be an integer from 1 to 1000, got '\(raw)'" }
            config.llmBreakerFailures = count
            return nil
        },
        Setting("llm.breaker_cooldown_s", env: "CONCIERGE_LLM_BREAKER_COOLDOWN_S", default: "30") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, (0...86400).contains(seconds) else { return "must be seconds from 0 to 86400, got '\(raw)'" }
            config.llmBreakerCoolDownSeconds = seconds
            return nil
        },
        Setting("llm.ledger_flush_ms", env: "CONCIERGE_LLM_LEDGER_FLUSH_MS", default: "50") { raw, config in
            guard let ms = Int(raw), (0...10_000).contains(ms) else { return "must be an integer from 0 (write before answering) to 10000, got '\(raw)'" }
            config.llmLedgerFlushMilliseconds = ms
            return nil
        },
        Setting("llm.ledger_batch_rows", env: "CONCIERGE_LLM_LEDGER_BATCH_ROWS", default: "32") { raw, config in
            guard let rows = Int(raw), (1...10_000).contains(rows) else { return "must be an integer from 1 to 10000, got '\(raw)'" }
            config.llmLedgerBatchRows = rows
            return nil
        },
        Setting("llm.ledger_writer_nice", env: "CONCIERGE_LLM_LEDGER_WRITER_NICE", default: "10") { raw, config in
            guard let nice = Int(raw), (0...19).contains(nice) else { return "must be a nice value from 0 (the calls' own priority) to 19, got '\(raw)'" }
            config.llmLedgerWriterNice = nice
            return nil
        },
        Setting("llm.cache_ttl_s", env: "CONCIERGE_LLM_CACHE_TTL_S", default: "3600") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, (0...(86400 * 365)).contains(seconds) else { return "must be seconds from 0 to 31536000, got '\(raw)'" }
            config.llmCacheTTLSeconds = seconds
            return nil
        },
        Setting("tasks.max_task_chars", env: "CONCIERGE_TASKS_MAX_TASK_CHARS", default: "5000") { raw, config in
            guard let value = Int(raw), (1...1_000_000).contains(value) else { return "must be an integer from 1 to 1000000, got '\(raw)'" }
            config.tasksMaxCharacters = value
            return nil
        },
        Setting("tasks.max_steps", env: "CONCIERGE_TASKS_MAX_STEPS", default: "8") { raw, config in
            guard let value = Int(raw), (1...50).contains(value) else { return "must be an integer from 1 to 50, got '\(raw)'" }
            config.tasksMaxSteps = value
            return nil
        },
        Setting("tasks.step_concurrency", env: "CONCIERGE_TASKS_STEP_CONCURRENCY", default: "4") { raw, config in
            guard let value = Int(raw), (1...64).contains(value) else { return "must be an integer from 1 to 64, got '\(raw)'" }
            config.tasksStepConcurrency = value
            return nil
        },
        Setting("tools.weather.geocoding_url", env: "CONCIERGE_TOOLS_WEATHER_GEOCODING_URL", default: "https://geocoding-api.open-meteo.com") { raw, config in
            guard raw.hasPrefix("http://") || raw.hasPrefix("https://") else { return "must be an http(s) URL, got '\(raw)'" }
            config.toolsWeatherGeocodingURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            return nil
        },
        Setting("tools.weather.forecast_url", env: "CONCIERGE_TOOLS_WEATHER_FORECAST_URL", default: "https://api.open-meteo.com") { raw, config in
            guard raw.hasPrefix("http://") || raw.hasPrefix("https://") else { return "must be an http(s) URL, got '\(raw)'" }
            config.toolsWeatherForecastURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            return nil
        },
        Setting("tools.weather.openweather_url", env: "CONCIERGE_TOOLS_OPENWEATHER_URL", default: "https://api.openweathermap.org") { raw, config in
            guard raw.hasPrefix("http://") || raw.hasPrefix("https://") else { return "must be an http(s) URL, got '\(raw)'" }
            config.toolsOpenWeatherURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            return nil
        },
        Setting("tools.weather.openweather_api_key", env: "OPENWEATHER_API_KEY", default: "(unset: Open-Meteo)", secret: true) { raw, config in
            config.toolsOpenWeatherAPIKey = raw.isEmpty ? nil : raw
            return nil
        },
        Setting("tools.fetch.allowlist", env: "CONCIERGE_TOOLS_FETCH_ALLOWLIST", default: "(empty)") { raw, config in
            config.toolsFetchAllowlist = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return nil
        },
        Setting("tools.fetch.max_bytes", env: "CONCIERGE_TOOLS_FETCH_MAX_BYTES", default: "1048576") { raw, config in
            guard let value = Int(raw), (1024...(64 << 20)).contains(value) else { return "must be a byte count from 1024 to 67108864, got '\(raw)'" }
            config.toolsFetchMaxBytes = value
            return nil
        },
        Setting("tools.github.url", env: "CONCIERGE_TOOLS_GITHUB_URL", default: "https://api.github.com") { raw, config in
            guard raw.hasPrefix("http://") || raw.hasPrefix("https://") else { return "must be an http(s) URL, got '\(raw)'" }
            config.toolsGitHubURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            return nil
        },
        Setting("tools.github.token", env: "CONCIERGE_GITHUB_TOKEN", default: "(unset)", secret: true) { raw, config in
            config.toolsGitHubToken = raw.isEmpty ? nil : raw
            return nil
        },
        Setting("tasks.retention_days", env: "CONCIERGE_TASKS_RETENTION_DAYS", default: "7") { raw, config in
            guard let days = Double(raw), days.isFinite, (0.001...36_500).contains(days) else { return "must be a number of days from 0.001 to 36500, got '\(raw)'" }
            config.tasksRetentionDays = days
            return nil
        },
        Setting("tasks.tool_attempts", env: "CONCIERGE_TASKS_TOOL_ATTEMPTS", default: "3") { raw, config in
            guard let value = Int(raw), (1...10).contains(value) else { return "must be an integer from 1 to 10, got '\(raw)'" }
            config.tasksToolAttempts = value
            return nil
        },
        Setting("tasks.plan_max_tokens", env: "CONCIERGE_TASKS_PLAN_MAX_TOKENS", default: "512") { raw, config in
            guard let value = Int(raw), (64...32_768).contains(value) else { return "must be an integer from 64 to 32768, got '\(raw)'" }
            config.tasksPlanMaxTokens = value
            return nil
        },
        Setting("tasks.judge_max_tokens", env: "CONCIERGE_TASKS_JUDGE_MAX_TOKENS", default: "192") { raw, config in
            guard let value = Int(raw), (32...32_768).contains(value) else { return "must be an integer from 32 to 32768, got '\(raw)'" }
            config.tasksJudgeMaxTokens = value
            return nil
        },
        Setting("tasks.plan_timeout_s", env: "CONCIERGE_TASKS_PLAN_TIMEOUT_S", default: "30") { raw, config in
            guard let seconds = Double(raw), seconds.isFinite, seconds > 0, seconds <= 3600 else { return "must be seconds from 0 to 3600, got '\(raw)'" }
            config.tasksPlanTimeoutSeconds = seconds
            return nil
        },
        Setting("tasks.progress_interval_ms", env: "CONCIERGE_TASKS_PROGRESS_INTERVAL_MS", default: "200") { raw, config in
            guard let value = Int(raw), (0...60_000).contains(value) else { return "must be milliseconds from 0 to 60000, got '\(raw)'" }
            config.tasksProgressIntervalMilliseconds = value
            return nil
        },
    ]

    /// Checks that involve more than one setting, run once every setting is read.
    static func crossCheck(_ config: AppConfiguration) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        if config.jobsHeartbeatSeconds >= config.jobsLeaseSeconds {
            problems.append(.init(
                setting: "CONCIERGE_JOBS_HEARTBEAT_S",
                message: "must be shorter than CONCIERGE_JOBS_LEASE_S (\(config.jobsLeaseSeconds)), or leases expire between heartbeats"
            ))
        }
        if config.jwtHMACKey != nil, config.jwtIssuer == nil || config.jwtAudience == nil {
            problems.append(.init(setting: "CONCIERGE_JWT_HMAC_KEY", message: "needs CONCIERGE_JWT_ISSUER and CONCIERGE_JWT_AUDIENCE"))
        }
        if !config.authEnabled, !AccessControl.isLoopback(config.host) {
            problems.append(.init(
                setting: "CONCIERGE_AUTH",
                message: "may be off only while the server binds to loopback (127.0.0.1, ::1, localhost), not \(config.host)"
            ))
        }
        return problems
    }

    static func bool(_ raw: String) -> Bool? {
        switch raw.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    static func seconds(_ raw: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = Double(raw), value.isFinite, range.contains(value) else { return nil }
        return value
    }
}

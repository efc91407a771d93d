import AsyncHTTPClient
import ConciergeCore
import ConciergeLLM
import Logging
import Metrics
import NIOCore

/// Builds the models layer: one shared HTTP client, a client per deployment, the router with its ledger and cache.
enum ModelsFactory {
    struct Built {
        let router: ModelRouter
        let httpClient: HTTPClient
        let setup: LLMSetup
        /// The write-behind ledger the router records into and its flusher empties; nil when rows are written inline.
        let writeBehind: WriteBehindLedger?
    }

    static func build(
        _ configuration: AppConfiguration, environment: [String: String], ledger: (any UsageLedger)?, cache: (any ResponseCache)?,
        writeBehindBudgets budgets: (any BudgetStore)? = nil, writeBehind: Bool = false, metricsFactory: any MetricsFactory, logger: Logger
    ) async throws -> Built {
        let setup = LLMSetup.resolve(configuration, environment: environment)
        for problem in setup.problems {
            logger.warning("Model deployment unusable", metadata: ["llm.problem": .string(problem)])
        }
        let totalConcurrency = setup.deployments.reduce(0) { $0 + $1.maxConcurrency }
        // No idle-read timeout: it re-arms a timer on every read. A plain call's deadline covers its whole answer, and
        // a stream's first bytes and silences are watched by `StreamDeadline` (the deployment's `streamStallLimit`).
        var clientConfiguration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(totalConcurrency, 8)
        )
        // A refused connection fails the attempt at once: the router retries and falls back itself, instead of
        // AsyncHTTPClient retrying the connection until the attempt's whole timeout has passed.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        // No tracer: Concierge bootstraps no tracing system, and with the default (the global no-op tracer)
        // AsyncHTTPClient still opens a span and parses the URL into span attributes on every call.
        clientConfiguration.tracing.tracer = nil
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let deployments = setup.deployments.map { settings -> ModelRouter.Deployment in
            let chat: any ChatModel =
                switch settings.kind {
                case .anthropic: AnthropicChatModel(deployment: settings, httpClient: httpClient, logger: logger)
                case .openAICompatible: OpenAICompatibleChatModel(deployment: settings, httpClient: httpClient, logger: logger)
                }
            let embeddings: (any EmbeddingModel)? =
                setup.embeddingDeployments.contains(settings.name) && settings.kind == .openAICompatible
                ? OpenAICompatibleEmbeddingModel(deployment: settings, httpClient: httpClient, logger: logger) : nil
            return ModelRouter.Deployment(settings: settings, chat: chat, embeddings: embeddings)
        }
        let routerSettings = ModelRouter.Settings(
            retry: RetryPolicy(maxRetries: configuration.llmMaxRetries),
            breakerFailureThreshold: configuration.llmBreakerFailures,
            breakerCoolDown: .milliseconds(Int64(configuration.llmBreakerCoolDownSeconds * 1000)),
            cacheTTL: .milliseconds(Int64(configuration.llmCacheTTLSeconds * 1000))
        )
        // Behind the response (docs/operations.md, "Ledger writes"), or each call waits for its row (group-committed).
        // Only `serve` runs a flusher; the separate worker and `ask` write inline.
        let writeBehind = writeBehind && configuration.llmLedgerWritesBehind ? ledger.map {
            WriteBehindLedger($0, budgets: budgets, batchRows: configuration.llmLedgerBatchRows)
        } : nil
        let routerLedger: (any UsageLedger)? = writeBehind ?? ledger.map(GroupCommitLedger.init)
        do {
            let router = try ModelRouter(
                deployments: deployments, aliases: setup.aliases, ledger: routerLedger, cache: configuration.llmCacheTTLSeconds > 0 ? cache : nil,
                metrics: LLMMetrics(factory: metricsFactory), settings: routerSettings, logger: logger
            )
            return Built(router: router, httpClient: httpClient, setup: setup, writeBehind: writeBehind)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }
}

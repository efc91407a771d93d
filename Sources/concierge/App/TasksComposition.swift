import AsyncHTTPClient
import ConciergeAgents
import ConciergeCore
import ConciergeJobs
import ConciergeTools
import Logging
import Metrics
import NIOCore

/// Builds the tasks subsystem: the tools, the agent runner over the model router, and the durable task service
/// whose handler runs on the `tasks` queue.
enum TasksComposition {
    static func tools(_ configuration: AppConfiguration, httpClient: HTTPClient) -> ToolRegistry {
        ToolRegistry.standard(
            httpClient: httpClient, fetchEventLoopGroup: httpClient.eventLoopGroup, weatherGeocodingURL: configuration.toolsWeatherGeocodingURL,
            weatherForecastURL: configuration.toolsWeatherForecastURL, openWeatherURL: configuration.toolsOpenWeatherURL,
            openWeatherAPIKey: configuration.toolsOpenWeatherAPIKey, fetchPolicy: AddressPolicy(allowlist: configuration.toolsFetchAllowlist),
            fetchMaxBytes: configuration.toolsFetchMaxBytes, gitHubURL: configuration.toolsGitHubURL, gitHubToken: configuration.toolsGitHubToken
        )
    }

    static func runStore(for store: any Store) throws -> any RunStore {
        guard let runs = store as? any RunStore else { throw StoreError.invalidConfiguration("this store cannot keep task runs") }
        return runs
    }

    static func runner(
        _ configuration: AppConfiguration, model: (any ChatModel)?, httpClient: HTTPClient, metrics: any MetricsFactory, logger: Logger
    ) -> AgentRunner {
        let tools = tools(configuration, httpClient: httpClient)
        return AgentRunner(
            model: model, tools: tools.all, unitNames: UnitConvertTool.unitNames,
            settings: .init(
                maxSteps: configuration.tasksMaxSteps,
                executor: .init(maxConcurrency: configuration.tasksStepConcurrency, maxAttempts: configuration.tasksToolAttempts),
                planMaxTokens: configuration.tasksPlanMaxTokens, judgeMaxTokens: configuration.tasksJudgeMaxTokens,
                planTimeout: .milliseconds(Int64(configuration.tasksPlanTimeoutSeconds * 1000))
            ),
            metrics: AgentMetrics(factory: metrics), logger: logger
        )
    }

    static func service(
        _ configuration: AppConfiguration, runs: any RunStore, jobs: any JobStore, model: (any ChatModel)?, httpClient: HTTPClient,
        metrics: any MetricsFactory, logger: Logger
    ) -> DurableTaskService {
        DurableTaskService(
            runs: runs, jobs: jobs, runner: runner(configuration, model: model, httpClient: httpClient, metrics: metrics, logger: logger),
            maxTaskCharacters: configuration.tasksMaxCharacters,
            progressInterval: .milliseconds(configuration.tasksProgressIntervalMilliseconds), logger: logger
        )
    }

    /// The daily sweep of finished runs past `tasks.retention_days`; `serve` and `worker` both run it (the delete is
    /// idempotent, so several processes sweeping the same database is harmless).
    static func retentionSweeper(_ configuration: AppConfiguration, runs: any RunStore, logger: Logger) -> RunRetentionSweeper {
        RunRetentionSweeper(runs: runs, retentionSeconds: configuration.tasksRetentionDays * 86_400, interval: .seconds(86_400), logger: logger)
    }

    /// Registers the `tasks` queue's handler.
    static func register(_ service: DurableTaskService, on registry: inout JobHandlerRegistry) {
        registry.register(DurableTaskService.queue) { job, _ in try await service.execute(payload: job.payload) }
    }
}

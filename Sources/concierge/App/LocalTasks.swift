import AsyncHTTPClient
import ConciergeAgents
import ConciergeCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// `concierge ask` in-process: opens the configured store, applies migrations, and runs the task here.
enum LocalTasks {
    static func run(_ request: TaskRequest, configuration: AppConfiguration, verbose: Bool) async throws -> TaskRun {
        let logger = LoggingBootstrap.quiet()
        let opened = try StoreFactory.open(configuration, logger: logger)
        do {
            let run = try await withStoreService(opened) {
                _ = try await opened.store.migrate()
                let models = try await ModelsFactory.build(
                    configuration, environment: ProcessInfo.processInfo.environment, ledger: opened.ledger, cache: opened.cache,
                    metricsFactory: NOOPMetricsHandler.instance, logger: logger
                )
                do {
                    let jobs = try JobsComposition.jobStore(for: opened.store)
                    // `--verbose` prints each event as it is written: written at once, it shows as it happens.
                    var configuration = configuration
                    if verbose { configuration.tasksProgressIntervalMilliseconds = 0 }
                    let service = TasksComposition.service(
                        configuration, runs: try TasksComposition.runStore(for: opened.store), jobs: jobs.store, model: models.router, httpClient: models.httpClient,
                        metrics: NOOPMetricsHandler.instance, logger: logger
                    )
                    let printer: @Sendable (RunEvent) async -> Void = { event in
                        if let line = AskCommand.describe(event) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                    }
                    let run = try await service.runInline(request, observer: verbose ? printer : nil)
                    try? await models.httpClient.shutdown()
                    return run
                } catch {
                    try? await models.httpClient.shutdown()
                    throw error
                }
            }
            await StoreFactory.close(opened.store, logger: logger)
            return run
        } catch {
            await StoreFactory.close(opened.store, logger: logger)
            throw error
        }
    }

    /// Runs `body` while the store's service (PostgreSQL's pool) runs.
    static func withStoreService<T: Sendable>(_ opened: StoreFactory.Opened, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let service = opened.service else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await service.run(); return nil }
            group.addTask { try await body() }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw StoreError.closed
        }
    }
}

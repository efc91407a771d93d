import ConciergeAgents
import ConciergeCore
import ConciergeJobs
import ConciergeStorePostgres
import ConciergeStoreSQLite
import Logging
import Metrics
import ServiceLifecycle

/// Builds the job queue's parts for the configured store: the job store (plus, on PostgreSQL, its LISTEN service),
/// the worker with its handlers, and the retention sweeper.
enum JobsComposition {
    /// The job store over an open store, and the service it needs running (PostgreSQL's notification listener).
    static func jobStore(for store: any Store) throws -> (store: any JobStore, service: (any Service)?) {
        switch store {
        case let sqlite as SQLiteStore:
            return (SQLiteJobStore(store: sqlite), nil)
        case let postgres as PostgresStore:
            let jobs = PostgresJobStore(store: postgres)
            return (jobs, jobs)
        default:
            throw StoreError.invalidConfiguration("this store has no job queue")
        }
    }

    /// Every queue this binary serves. Subsystems add their handlers here.
    static func registry(_ configuration: AppConfiguration, tasks: DurableTaskService?) -> JobHandlerRegistry {
        var registry = JobHandlerRegistry(defaultConcurrency: configuration.jobsConcurrency)
        registry.register(DiagnosticsJobHandler.queue, handler: DiagnosticsJobHandler())
        if let tasks { TasksComposition.register(tasks, on: &registry) }
        return registry
    }

    static func workerConfiguration(_ configuration: AppConfiguration) -> JobWorkerConfiguration {
        let lease = Duration.milliseconds(Int64(configuration.jobsLeaseSeconds * 1000))
        return JobWorkerConfiguration(
            leaseDuration: lease,
            heartbeatInterval: .milliseconds(Int64(configuration.jobsHeartbeatSeconds * 1000)),
            pollInterval: .milliseconds(Int64(configuration.jobsPollIntervalMilliseconds)),
            reapInterval: min(.milliseconds(500), lease / 4),
            drainTimeout: .milliseconds(Int64(configuration.jobsDrainTimeoutSeconds * 1000))
        )
    }

    static func worker(
        _ configuration: AppConfiguration, store: any JobStore, tasks: DurableTaskService?, metrics: any MetricsFactory, logger: Logger
    ) -> JobWorker {
        JobWorker(
            store: store, registry: registry(configuration, tasks: tasks), configuration: workerConfiguration(configuration),
            metrics: JobMetrics(factory: metrics), logger: logger
        )
    }

    static func sweeper(_ configuration: AppConfiguration, store: any JobStore, logger: Logger) -> JobRetentionSweeper {
        JobRetentionSweeper(store: store, retention: .milliseconds(Int64(configuration.jobsRetentionDays * 86_400_000)), logger: logger)
    }
}

public import ConciergeCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs the jobs of its registered queues: claims in batches up to each queue's free slots, renews leases,
/// retries failures with backoff, and acknowledges in group commits.
///
/// On graceful shutdown it stops claiming, lets running jobs finish for `drainTimeout`, then cancels the rest and
/// releases their leases so another worker starts them at once rather than after the lease runs out.
public final class JobWorker: Service {
    let store: any JobStore
    let registry: JobHandlerRegistry
    let configuration: JobWorkerConfiguration
    let metrics: JobMetrics
    let logger: Logger
    let book = LeaseBook()
    let acks: AckBatcher
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)

    public init(
        store: any JobStore, registry: JobHandlerRegistry, configuration: JobWorkerConfiguration, metrics: JobMetrics, logger: Logger
    ) {
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.acks = AckBatcher(store: store, logger: logger)
    }

    /// True while `run()` is serving its queues (false before start and once shutdown begins).
    public var isRunning: Bool { running.load(ordering: .relaxed) }
    public var workerID: String { configuration.workerID }
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    public func run() async throws {
        running.store(true, ordering: .relaxed)
        logger.info(
            "Job worker started",
            metadata: ["worker.id": .string(workerID), "jobs.queues": .string(registry.queues.keys.sorted().joined(separator: ","))]
        )
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.acks.run() }
            background.addTask { await self.everyInterval(self.configuration.heartbeatInterval) { await self.heartbeat() } }
            background.addTask { await self.everyInterval(self.configuration.reapInterval) { await self.reap() } }
            background.addTask { await self.everyInterval(self.configuration.metricsInterval) { await self.refreshGauges() } }
            await withGracefulShutdownHandler {
                await self.serveQueues()
            } onGracefulShutdown: {
                self.beginShutdown()
            }
            self.acks.close()
            await self.releaseRemaining()
            background.cancelAll()
        }
        running.store(false, ordering: .relaxed)
        logger.info("Job worker stopped", metadata: ["worker.id": .string(workerID)])
    }

    private func beginShutdown() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        running.store(false, ordering: .relaxed)
        logger.info("Job worker draining", metadata: ["worker.id": .string(workerID), "jobs.running": .stringConvertible(book.count)])
        store.notifier.signalAll()
    }

    /// Runs every queue's loop until shutdown; past the drain timeout, cancels the handlers still running.
    private func serveQueues() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.cutOffAfterDrainTimeout() }
            await withTaskGroup(of: Void.self) { queues in
                for registration in registry.queues.values {
                    queues.addTask { await self.serve(registration) }
                }
            }
            group.cancelAll()
        }
    }

    private func cutOffAfterDrainTimeout() async {
        do {
            try await gracefulShutdown()
            try await Task.sleep(for: configuration.drainTimeout)
        } catch {
            return  // every queue finished first
        }
        guard book.count > 0 else { return }
        logger.warning("Drain timeout passed; cancelling running jobs", metadata: ["jobs.running": .stringConvertible(book.count)])
        book.stopAll(reason: .shutdown)
    }

    /// Claims and runs one queue's jobs until shutdown, then waits for its running jobs.
    private func serve(_ registration: QueueRegistration) async {
        let queue = registration.queue
        let inFlight = InFlightCount()
        await withDiscardingTaskGroup { group in
            // Cancellation ends the loop too (a group that cancels its services, a shutdown bound that ran out): a
            // cancelled task's claims fail and its waits return at once, so looping on would spin and never end.
            while !isStopping, !Task.isCancelled {
                let generation = store.notifier.generation(of: queue)
                let free = registration.concurrency - inFlight.value
                var claimed = 0
                if free > 0 {
                    let jobs = await claim(queue, limit: free)
                    claimed = jobs.count
                    for job in jobs {
                        inFlight.add(1)
                        group.addTask {
                            await self.execute(job, handler: registration.handler)
                            inFlight.add(-1)
                            self.store.notifier.signal(queue)
                        }
                    }
                }
                if claimed > 0, claimed == free { continue }
                if isStopping { break }
                await store.notifier.wait(for: queue, after: generation, timeout: configuration.pollInterval)
            }
        }
    }

    private func claim(_ queue: String, limit: Int) async -> [ClaimedJob] {
        do {
            let jobs = try await store.claim(
                queue: queue, limit: limit, workerID: workerID, leaseDuration: configuration.leaseDuration
            )
            for job in jobs { book.hold(job.lease) }
            return jobs
        } catch {
            if Task.isCancelled { return [] }
            logger.warning("Could not claim jobs", metadata: ["job.queue": .string(queue), "error.message": .string(String(describing: error))])
            try? await Task.sleep(for: configuration.pollInterval)
            return []
        }
    }
}

/// Jobs of one queue running in this worker.
final class InFlightCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}

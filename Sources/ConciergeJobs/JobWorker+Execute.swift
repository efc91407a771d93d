import ConciergeCore
import Foundation
import Logging

extension JobWorker {
    /// Runs one claimed job to an outcome and acknowledges it.
    func execute(_ job: ClaimedJob, handler: any JobHandler) async {
        var logger = self.logger
        logger[metadataKey: "job.id"] = .stringConvertible(job.id)
        logger[metadataKey: "job.queue"] = .string(job.queue)
        logger[metadataKey: "job.attempt"] = .stringConvertible(job.attempt)
        let context = JobContext(logger: logger, workerID: workerID)
        let started = ContinuousClock.now
        metrics.recordWait(queue: job.queue, .milliseconds(Int64(max(0, job.claimedAt.timeIntervalSince(job.runAt)) * 1000)))
        // An unstructured task so the heartbeat can cancel this one handler; it is awaited right here.
        let task = Task { try await handler.run(job, context: context) }
        book.attach(task, to: job.lease)
        let outcome: JobOutcome?
        let label: JobMetrics.Outcome
        do {
            let result = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            outcome = .completed(result: result)
            label = .completed
        } catch {
            // A worker cancelled from outside (the service group's shutdown bound) releases like a drain cut-off.
            switch book.stopReason(job.lease) ?? (Task.isCancelled ? .shutdown : nil) {
            case .cancelRequested?:
                outcome = .cancelled
                label = .cancelled
            case .leaseLost?:
                outcome = nil
                label = .leaseLost
            case .shutdown?:
                metrics.count(queue: job.queue, outcome: .released)
                return  // stays in the book; released after the queues stop
            case nil:
                let message = Self.describe(error)
                logger.debug("Job attempt failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
                outcome = .failed(error: message, retryDelay: configuration.retry.delay(afterAttempt: job.attempt))
                label = job.remainingAttempts <= 1 ? .dead : .failed
            }
        }
        metrics.recordDuration(queue: job.queue, ContinuousClock.now - started)
        if let outcome {
            let applied = await acks.acknowledge(JobCompletion(lease: job.lease, outcome: outcome))
            metrics.count(queue: job.queue, outcome: applied ? label : .leaseLost)
            if !applied { logger.warning("Job lease was lost before its outcome was recorded; another attempt will run") }
        } else {
            metrics.count(queue: job.queue, outcome: label)
        }
        book.drop(job.lease)
    }

    /// An error's text for the attempt history, bounded in length.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 2000 ? String(text.prefix(2000)) + "…" : text
    }

    /// Renews every held lease; stops handlers whose lease was lost or whose job was cancelled.
    func heartbeat() async {
        let leases = book.leases
        guard !leases.isEmpty else { return }
        do {
            let renewal = try await store.renewLeases(leases, leaseDuration: configuration.leaseDuration)
            for lease in renewal.lost {
                logger.warning("Job lease lost; stopping its handler", metadata: ["job.id": .stringConvertible(lease.jobID)])
                book.stop(lease, reason: .leaseLost)
            }
            for lease in renewal.cancelRequested {
                logger.info("Job cancelled; stopping its handler", metadata: ["job.id": .stringConvertible(lease.jobID)])
                book.stop(lease, reason: .cancelRequested)
            }
        } catch {
            logger.warning("Could not renew job leases", metadata: ["error.message": .string(String(describing: error))])
        }
    }

    func reap() async {
        do {
            let reaped = try await store.reapExpiredLeases()
            if reaped > 0 { logger.notice("Reaped expired job leases", metadata: ["jobs.count": .stringConvertible(reaped)]) }
        } catch {
            logger.warning("Could not reap expired leases", metadata: ["error.message": .string(String(describing: error))])
        }
    }

    func refreshGauges() async {
        do {
            metrics.update(try await store.counts())
        } catch {
            logger.debug("Could not refresh job gauges", metadata: ["error.message": .string(String(describing: error))])
        }
    }

    /// Gives back every lease still held, so other workers start those jobs now. Runs in its own task: the
    /// worker's may already be cancelled when the service group's shutdown bound passes.
    func releaseRemaining() async {
        let leases = book.takeAll()
        guard !leases.isEmpty else { return }
        let store = self.store
        let released = await Task { try? await store.release(leases) }.value
        logger.info("Released job leases at shutdown", metadata: ["jobs.count": .stringConvertible(released ?? 0)])
    }

    /// Runs `body` every `interval` until the task is cancelled.
    func everyInterval(_ interval: Duration, _ body: () async -> Void) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await body()
        }
    }
}

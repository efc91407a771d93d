import ConciergeCore
import Logging
import PostgresNIO
import ServiceLifecycle

extension PostgresJobStore {
    /// LISTENs on the jobs channel and wakes this process's idle workers on every notification; reconnects after a
    /// failure, waking every worker so a notification lost while disconnected costs no more than a poll.
    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresJobsSchema.channel) { notifications in
                        self.notifier.signalAll()
                        for try await notification in notifications.cancelOnGracefulShutdown() {
                            self.notifier.signal(notification.payload)
                        }
                    }
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.warning("Job notifications interrupted; reconnecting", metadata: ["error.message": .string(PostgresStore.describe(error))])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

import ConciergeCore
import ServiceLifecycle
import Synchronization

/// Opens once migrations have run, so services that need the schema (job workers, the sweeper) wait for it
/// rather than failing against a database that is still being migrated.
final class SchemaGate: Sendable {
    private struct State {
        var open = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the gate is open, or when the task is cancelled.
    func wait() async {
        let token = state.withLock { state -> Int in
            state.nextToken += 1
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.open || Task.isCancelled { return true }
                    state.waiters[token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
        }
    }

    var isOpen: Bool { state.withLock { $0.open } }
}

/// Runs `inner` once the schema is ready; returns without running it if shutdown comes first.
struct SchemaGatedService: Service {
    let gate: SchemaGate
    let inner: any Service

    func run() async throws {
        let ready = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.gate.wait(); return self.gate.isOpen }
            group.addTask { try? await gracefulShutdown(); return false }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
        guard ready, !Task.isShuttingDownGracefully else { return }
        try await inner.run()
    }
}

/// For `concierge worker`: applies pending migrations, opens the gate, then stays until shutdown.
struct MigrationService: Service {
    let store: any Store
    let gate: SchemaGate

    func run() async throws {
        _ = try await store.migrate()
        gate.open()
        try? await gracefulShutdown()
    }
}

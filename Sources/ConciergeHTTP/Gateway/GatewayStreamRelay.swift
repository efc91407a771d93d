import ConciergeCore
import Synchronization

/// One streamed call running in its own task, its batches handed over in order to whoever calls ``next()``: the
/// handler, until it has what the response head should wait for, then the response body.
///
/// The call's task ends only after the router has ended the call (its ledger row recorded) and `settle` has run.
/// Cancelling the relay, or dropping it before its end was read, cancels the call, which the router records as
/// `cancelled`.
final class GatewayStreamRelay: Sendable {
    enum Item: Sendable {
        case batch([ChatStreamEvent])
        /// The call ended: cleanly (nil) or with the error the router threw.
        case end((any Error)?)
    }

    private let handoff: Handoff
    private let call: Task<Void, Never>

    init(chat: any ChatModel, request: ChatRequest, settle: @escaping @Sendable () async -> Void) {
        let handoff = Handoff()
        self.handoff = handoff
        self.call = Task {
            var failure: (any Error)?
            do {
                try await chat.streamBatches(request) { events in handoff.send(.batch(events)) }
            } catch {
                failure = error
            }
            await settle()
            handoff.send(.end(failure))
        }
    }

    deinit { call.cancel() }

    /// The next batch, or the end. Cancelling the waiting task cancels the call, whose end then follows.
    func next() async -> Item {
        await withTaskCancellationHandler { await handoff.next() } onCancel: { [call] in call.cancel() }
    }

    /// Cancels the call (its reader went away) and waits for its end, so the ledger row is written before this returns.
    func cancel() async {
        call.cancel()
        await call.value
    }

    /// A queue with one reader: `send` never waits (a stream's batches are small and end when the call does).
    private final class Handoff: Sendable {
        private struct State {
            var items: [Item] = []
            var waiter: CheckedContinuation<Item, Never>?
        }

        private let state = Mutex(State())

        func send(_ item: Item) {
            let waiter = state.withLock { state -> CheckedContinuation<Item, Never>? in
                guard let waiter = state.waiter else {
                    state.items.append(item)
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: item)
        }

        func next() async -> Item {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Item? in
                    guard !state.items.isEmpty else {
                        state.waiter = continuation
                        return nil
                    }
                    return state.items.removeFirst()
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

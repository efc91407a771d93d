import Synchronization

/// Group commit for any batched write: concurrent callers' inputs are written together by one `flush`, and each
/// caller returns only once its own input is written. The caller that finds no write in progress leads: it
/// writes its input and everything queued, wakes the callers it wrote for, and hands the lead to the next caller
/// still waiting. No background task; with one caller at a time it is one flush per input, with no added delay.
///
/// When a batch of several fails, each input is retried alone, so one bad input never fails its neighbours.
public final class GroupCommit<Input: Sendable, Output: Sendable>: Sendable {
    public typealias Flush = @Sendable ([Input]) async throws -> [Output]

    private enum Wake: Sendable {
        case done(Result<Output, any Error>)
        case lead
    }

    private struct Waiting {
        let input: Input
        let continuation: CheckedContinuation<Wake, Never>
    }

    private struct State {
        var pending: [Waiting] = []
        var writing = false
    }

    private let flush: Flush
    private let state = Mutex(State())

    /// - Parameter flush: writes a batch (in order) and returns one output per input.
    public init(flush: @escaping Flush) {
        self.flush = flush
    }

    /// Callers waiting behind the write in progress (for tests).
    public var queued: Int { state.withLock { $0.pending.count } }

    public func submit(_ input: Input) async throws -> Output {
        let leadNow = state.withLock { state -> Bool in
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if leadNow { return try await lead(input) }
        let wake = await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
            let lead = state.withLock { state -> Bool in
                guard !state.writing else {
                    state.pending.append(Waiting(input: input, continuation: continuation))
                    return false
                }
                state.writing = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        switch wake {
        case .done(let result): return try result.get()
        case .lead: return try await lead(input)
        }
    }

    /// Writes `own` and everything queued, wakes their callers, then passes the lead on (or ends the write).
    private func lead(_ own: Input) async throws -> Output {
        let batch = state.withLock { state -> [Waiting] in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        let results = await write([own] + batch.map(\.input))
        for (index, waiting) in batch.enumerated() { waiting.continuation.resume(returning: .done(results[index + 1])) }
        let next = state.withLock { state -> CheckedContinuation<Wake, Never>? in
            guard !state.pending.isEmpty else {
                state.writing = false
                return nil
            }
            return state.pending.removeFirst().continuation
        }
        next?.resume(returning: .lead)
        return try results[0].get()
    }

    private func write(_ inputs: [Input]) async -> [Result<Output, any Error>] {
        guard inputs.count > 1 else { return await Self.write(inputs, flush) }
        // The leader's task may be cancelled (its run was); that must not fail the inputs of the callers it writes
        // for, so a batch is written outside the leader's task (a new Task does not inherit its cancellation).
        let flush = self.flush
        return await Task { await Self.write(inputs, flush) }.value
    }

    private static func write(_ inputs: [Input], _ flush: Flush) async -> [Result<Output, any Error>] {
        do {
            let outputs = try await flush(inputs)
            precondition(outputs.count == inputs.count, "a group commit's flush must return one output per input")
            return outputs.map { .success($0) }
        } catch {
            guard inputs.count > 1 else { return [.failure(error)] }
            var results: [Result<Output, any Error>] = []
            for input in inputs {
                do {
                    results.append(.success(try await flush([input])[0]))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}

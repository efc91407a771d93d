/// How the process's threads are laid out: how many NIO event loops, and where Swift concurrency runs its tasks.
struct ThreadingPlan: Equatable, Sendable {
    enum Executor: String, Sendable {
        /// Swift's global pool, beside NIO's event loops (the default on more than one CPU).
        case pool
        /// NIO's event loops are Swift concurrency's global executor.
        case eventLoop = "event-loop"
    }

    var eventLoops: Int
    var executor: Executor

    /// `CONCIERGE_EXECUTOR`: `auto` (the default) runs tasks on the event loop when the process has one CPU, where a
    /// second scheduler only adds thread switches; with more CPUs Swift's pool spreads work better (measured in
    /// docs/benchmarks.md). The loop count follows the CPUs the process may use, unless
    /// `NIO_SINGLETON_GROUP_LOOP_COUNT` says otherwise.
    static func decide(setting: String?, loopCountOverride: String?, cpus: Int) throws(ThreadingSettingError) -> ThreadingPlan {
        let loops = loopCountOverride.flatMap { Int($0) }.map { max($0, 1) } ?? max(cpus, 1)
        switch setting?.lowercased() ?? "auto" {
        case "auto", "": return ThreadingPlan(eventLoops: loops, executor: cpus == 1 ? .eventLoop : .pool)
        case "event-loop": return ThreadingPlan(eventLoops: loops, executor: .eventLoop)
        case "pool": return ThreadingPlan(eventLoops: loops, executor: .pool)
        default: throw ThreadingSettingError(value: setting ?? "")
        }
    }
}

struct ThreadingSettingError: Error, CustomStringConvertible {
    let value: String
    var description: String { "CONCIERGE_EXECUTOR must be auto, event-loop or pool, not \"\(value)\"" }
}

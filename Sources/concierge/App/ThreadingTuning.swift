#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization

/// Fits NIO's event loops and Swift concurrency to the CPUs this process may actually run on, once, first thing
/// in `main` (before any task or event loop exists).
///
/// NIO sizes its shared event loop group from the machine's online CPUs and cgroup limits, but not from the process's
/// CPU affinity (`taskset`, `numactl`, a pinned systemd unit), so a server confined to one CPU of a larger machine
/// would run one loop per online CPU plus Swift's pool, all taking turns on that CPU.
enum ThreadingTuning {
    private static let applied = Mutex<ThreadingPlan?>(nil)

    /// The plan `apply` put in place (nil before it ran, as in tests).
    static var current: ThreadingPlan? { applied.withLock { $0 } }

    static func apply(environment: [String: String]) throws(ThreadingSettingError) {
        let cpus = min(System.coreCount, affinityCPUs() ?? System.coreCount)
        var plan = try ThreadingPlan.decide(
            setting: environment["CONCIERGE_EXECUTOR"], loopCountOverride: environment["NIO_SINGLETON_GROUP_LOOP_COUNT"], cpus: cpus
        )
        setenv("NIO_SINGLETON_GROUP_LOOP_COUNT", String(plan.eventLoops), 1)
        if plan.executor == .eventLoop, !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            plan.executor = .pool
        }
        applied.withLock { $0 = plan }
    }

    /// CPUs in this process's affinity mask (nil where it cannot be read).
    static func affinityCPUs() -> Int? {
        #if canImport(Glibc)
        // Looked up at run time: Swift's Glibc module does not export the GNU `sched_getaffinity`.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else { return nil }
        var mask = [UInt8](repeating: 0, count: 1024 / 8)  // glibc's cpu_set_t: 1,024 CPUs
        let status = mask.withUnsafeMutableBytes { unsafeBitCast(symbol, to: GetAffinity.self)(0, $0.count, $0.baseAddress!) }
        guard status == 0 else { return nil }
        let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        return count > 0 ? count : nil
        #else
        return nil
        #endif
    }
}

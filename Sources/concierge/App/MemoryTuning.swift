#if canImport(Glibc)
import Glibc
#endif

/// glibc gives each thread that meets contention its own malloc arena (up to 8 per core), which inflates resident
/// memory of a many-threaded server for no throughput gain here. Two arenas keep RSS low; call before serving.
/// `mallopt` is looked up at run time because Swift's Glibc module does not export `<malloc.h>`.
enum MemoryTuning {
    static func apply() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX in <malloc.h>
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 2)
        #endif
    }
}

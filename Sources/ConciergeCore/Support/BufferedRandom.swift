#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The system's random bits (`getentropy`, the kernel's generator), fetched 256 bytes at a time instead of 8: each
/// `SystemRandomNumberGenerator.next()` is its own `getrandom` system call, and a gateway call made about six of them
/// (request id, ledger row id, budget reservation id). The bits are the kernel's, handed out once each, so ids made
/// from them are as unpredictable as before; only the system calls are fewer. Safe from any thread.
public struct BufferedRandom: RandomNumberGenerator {
    public init() {}

    public mutating func next() -> UInt64 {
        Self.pool.withLock { $0.next() }
    }

    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        /// `getentropy`'s most per call.
        static let words = 32
        var buffer = [UInt64](repeating: 0, count: Pool.words)
        var position = Pool.words

        mutating func next() -> UInt64 {
            if position == Pool.words {
                refill()
                position = 0
            }
            defer { position += 1 }
            return buffer[position]
        }

        private mutating func refill() {
            #if canImport(Glibc)
            let status = buffer.withUnsafeMutableBytes { getentropy($0.baseAddress, $0.count) }
            if status == 0 { return }
            #endif
            // Not Linux, or getentropy failed (it cannot with 256 bytes on a kernel with getrandom): one word at a time.
            var system = SystemRandomNumberGenerator()
            for index in buffer.indices { buffer[index] = system.next() }
        }
    }
}

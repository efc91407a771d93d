import Dispatch
import GRDB

/// The two ways this store reads, and the one it must not use.
///
/// GRDB's async `pool.read` hops to a dispatch queue to wait for a reader connection, again to run the read, and
/// back to the concurrency pool: on a busy server that is four or five thread switches for one indexed lookup. Its
/// synchronous API runs the read on the calling thread instead. The two must not be mixed: an async read keeps its
/// connection until its task resumes on the concurrency pool, so synchronous reads blocking all of that pool's
/// threads while they wait for a connection would deadlock. Hence every read here is synchronous, either on the
/// caller's thread (``readHere(_:)``) or on a dispatch thread (``readAside(_:)``), and a connection is only ever held
/// by code that never awaits.
extension SQLiteStore {
    /// A short read (an indexed lookup) on the calling thread.
    func readHere<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    /// A read that may take a while (a listing, an aggregate over many rows), on a dispatch thread so that it does
    /// not hold up the concurrency pool.
    func readAside<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = self.pool
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try pool.read(body) }) }
        }
    }
}

public import ConciergeCore
import Foundation

/// The built-in `diagnostics` queue, for crash tests and benchmarks: sleeps, fails the first attempts on demand,
/// and can append one JSON line per run to a file (see docs/operations.md).
///
/// Payload: `{"sleep_ms": N, "fail_times": K, "record_path": "/tmp/x.jsonl"}`, every field optional; `{}` is a no-op.
public struct DiagnosticsJobHandler: JobHandler {
    public static let queue = "diagnostics"

    struct Payload: Decodable {
        var sleepMs: Int?
        var failTimes: Int?
        var recordPath: String?

        enum CodingKeys: String, CodingKey {
            case sleepMs = "sleep_ms"
            case failTimes = "fail_times"
            case recordPath = "record_path"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let attempt: Int
        var description: String { "diagnostic failure on attempt \(attempt)" }
    }

    public init() {}

    public func run(_ job: ClaimedJob, context: JobContext) async throws -> String {
        let payload = try JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8))
        let start = Self.nowNanoseconds()
        var outcome = "completed"
        defer {
            if let path = payload.recordPath {
                Self.record(path: path, job: job, worker: context.workerID, start: start, end: Self.nowNanoseconds(), outcome: outcome)
            }
        }
        do {
            if let sleep = payload.sleepMs, sleep > 0 { try await Task.sleep(for: .milliseconds(sleep)) }
        } catch {
            outcome = "cancelled"
            throw error
        }
        if job.attempt <= payload.failTimes ?? 0 {
            outcome = "failed"
            throw Failure(attempt: job.attempt)
        }
        return #"{"attempt":\#(job.attempt)}"#
    }

    /// Wall-clock nanoseconds since the Unix epoch.
    static func nowNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Appends one line with `O_APPEND`, so lines from several processes never interleave.
    static func record(path: String, job: ClaimedJob, worker: String, start: Int64, end: Int64, outcome: String) {
        let due = Int64((job.runAt.timeIntervalSince1970 * 1_000_000_000).rounded())
        let line = """
            {"job_id":\(job.id),"pid":\(getpid()),"worker":"\(worker)","attempt":\(job.attempt),"due_ns":\(due),\
            "start_ns":\(start),"end_ns":\(end),"outcome":"\(outcome)"}

            """
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

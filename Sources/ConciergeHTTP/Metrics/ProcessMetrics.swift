public import CoreMetrics
import Foundation

/// Process metrics in Prometheus' standard names, read from `/proc/self` at scrape time.
public struct ProcessMetrics: Sendable {
    let residentMemory: Gauge
    let virtualMemory: Gauge
    let cpuSeconds: Gauge
    let openFDs: Gauge
    let maxFDs: Gauge
    let startTime: Gauge
    let startTimeSeconds: Double

    public init(factory: any MetricsFactory) {
        residentMemory = Gauge(label: "process_resident_memory_bytes", factory: factory)
        virtualMemory = Gauge(label: "process_virtual_memory_bytes", factory: factory)
        cpuSeconds = Gauge(label: "process_cpu_seconds_total", factory: factory)
        openFDs = Gauge(label: "process_open_fds", factory: factory)
        maxFDs = Gauge(label: "process_max_fds", factory: factory)
        self.startTime = Gauge(label: "process_start_time_seconds", factory: factory)
        startTimeSeconds = Date().timeIntervalSince1970
    }

    /// Reads the current values and records them; call just before emitting the registry.
    public func update() {
        startTime.record(startTimeSeconds)
        if let stat = Self.stat() {
            residentMemory.record(stat.residentBytes)
            virtualMemory.record(stat.virtualBytes)
            cpuSeconds.record(stat.cpuSeconds)
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFDs.record(entries.count)
        }
        if let limit = Self.maxOpenFiles() { maxFDs.record(limit) }
    }

    struct Stat {
        let cpuSeconds: Double
        let virtualBytes: Double
        let residentBytes: Double
    }

    /// Parses `/proc/self/stat` (fields after the parenthesised command name).
    static func stat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is state (field 3); utime is field 14, stime 15, vsize 23, rss 24.
        guard fields.count > 21, let utime = Double(fields[11]), let stime = Double(fields[12]),
              let vsize = Double(fields[20]), let rss = Double(fields[21]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        return Stat(cpuSeconds: (utime + stime) / ticks, virtualBytes: vsize, residentBytes: rss * pageSize)
    }

    static func maxOpenFiles() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}

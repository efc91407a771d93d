#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Start-up runs a lot of code once (configuration, migrations, router and metric set-up) and the kernel maps file
/// pages 64 KiB around every fault, so a fresh server holds tens of MiB of clean code pages it will not use again.
/// After start-up this drops those pages from the process's page tables: `MADV_DONTNEED` on private, read-only,
/// file-backed mappings that hold no private (copied-on-write) page. The pages stay in the kernel's page cache, so
/// code that runs again later comes back as a minor fault; nothing anonymous or writable is touched.
/// Resident memory then shows the steady working set instead of start-up's footprint. The page cache (and a cgroup's
/// memory charge for it) is unchanged: this trims `RssFile`, it frees no memory the machine could use.
enum StartupPageTrim {
    struct Result: Sendable {
        var mappings = 0
        var bytes = 0
    }

    /// Trims the current process; returns what was released. A no-op off Linux or when /proc is unreadable.
    static func apply() -> Result {
        var result = Result()
        #if os(Linux)
        for region in readOnlyFileRegions() {
            guard let start = UnsafeMutableRawPointer(bitPattern: region.start) else { continue }
            if madvise(start, Int(region.end - region.start), MADV_DONTNEED) == 0 {
                result.mappings += 1
                result.bytes += region.residentBytes
            }
        }
        #endif
        return result
    }

    struct Region {
        var start: UInt
        var end: UInt
        var residentBytes: Int
    }

    /// Mappings from /proc/self/smaps that are file-backed, private, not writable and have no anonymous page.
    static func readOnlyFileRegions(smaps: String? = nil) -> [Region] {
        guard let text = smaps ?? readSmaps() else { return [] }
        var regions: [Region] = []
        var current: (region: Region, eligible: Bool)?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let header = parseHeader(line) {
                current = header
                continue
            }
            guard var entry = current else { continue }
            if line.hasPrefix("Rss:") {
                entry.region.residentBytes = kilobytes(line) * 1024
                current = entry
            } else if line.hasPrefix("Anonymous:") {
                if entry.eligible && kilobytes(line) == 0 && entry.region.residentBytes > 0 { regions.append(entry.region) }
                current = nil
            }
        }
        return regions
    }

    /// `start-end perms offset dev inode path`; eligible when private, not writable and backed by a file path.
    private static func parseHeader(_ line: Substring) -> (region: Region, eligible: Bool)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
            let start = UInt(fields[0][..<dash], radix: 16),
            let end = UInt(fields[0][fields[0].index(after: dash)...], radix: 16)
        else { return nil }
        let perms = Array(fields[1])
        guard perms.count == 4 else { return nil }
        let path = fields.count >= 6 ? fields[5] : ""
        let eligible = perms[1] == "-" && perms[3] == "p" && path.hasPrefix("/")
        return (Region(start: start, end: end, residentBytes: 0), eligible)
    }

    private static func kilobytes(_ line: Substring) -> Int {
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
    }

    /// Read in a loop: procfs reports a size of 0, so whole-file readers may stop after the first chunk.
    private static func readSmaps() -> String? {
        #if os(Linux)
        let descriptor = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
        #else
        return nil
        #endif
    }
}

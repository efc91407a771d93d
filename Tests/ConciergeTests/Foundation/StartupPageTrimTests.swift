import Foundation
import Testing

@testable import concierge

@Suite("Start-up page trim")
struct StartupPageTrimTests {
    static let smaps = """
        55769e4d4000-5576a0385000 r-xp 00000000 fe:00 5482760                    /srv/concierge
        Size:              30404 kB
        Rss:               14064 kB
        Anonymous:             0 kB
        5576a0385000-5576a0471000 r--p 01eb0000 fe:00 5482760                    /srv/concierge
        Size:                944 kB
        Rss:                 944 kB
        Anonymous:           944 kB
        5576a0471000-5576a067f000 rw-p 01f9c000 fe:00 5482760                    /srv/concierge
        Size:               2104 kB
        Rss:                1516 kB
        Anonymous:             0 kB
        7f2bbdcab000-7f2bbdcb3000 rw-s 00000000 fe:00 16547878                   /data/concierge.sqlite-shm
        Size:                 32 kB
        Rss:                  32 kB
        Anonymous:             0 kB
        7f2bbe000000-7f2bbe5d3000 r-xp 00000000 fe:00 2268                       /usr/lib/libswiftCore.so
        Size:               5964 kB
        Rss:                4928 kB
        Anonymous:             0 kB
        7f2bbe5d4000-7f2bbe5e9000 r--p 005d3000 fe:00 2268                       /usr/lib/libswiftCore.so
        Size:                 84 kB
        Rss:                   0 kB
        Anonymous:             0 kB
        7ffd1d9f2000-7ffd1d9f4000 r-xp 00000000 00:00 0                          [vdso]
        Size:                  8 kB
        Rss:                   4 kB
        Anonymous:             0 kB
        7ffd1d9f4000-7ffd1d9f8000 rw-p 00000000 00:00 0
        Size:                 16 kB
        Rss:                  16 kB
        Anonymous:            16 kB
        """

    @Test("only private, read-only, file-backed mappings without a copied page are chosen")
    func choosesCleanReadOnlyFileMappings() {
        let regions = StartupPageTrim.readOnlyFileRegions(smaps: Self.smaps)
        #expect(regions.map(\.start) == [0x5576_9e4d_4000, 0x7f2b_be00_0000])
        #expect(regions.map(\.residentBytes) == [14064 * 1024, 4928 * 1024])
    }

    #if os(Linux)
    @Test("trimming the live process releases resident code and the process keeps working")
    func trimsLiveProcess() throws {
        let result = StartupPageTrim.apply()
        #expect(result.mappings > 0)
        #expect(result.bytes > 0)
        // Code and read-only data dropped from the page tables come back on use: encoding and decoding still work.
        let data = try JSONEncoder().encode(["trimmed": result.bytes])
        #expect(try JSONDecoder().decode([String: Int].self, from: data) == ["trimmed": result.bytes])
    }
    #endif
}

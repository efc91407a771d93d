import ConciergeCore
import Foundation
import Synchronization
import Testing

@Suite struct BufferedRandomTests {
    @Test func wordsDifferAcrossManyRefillsAndUseEveryBit() {
        var generator = BufferedRandom()
        let words = (0..<1_000).map { _ in generator.next() as UInt64 }  // 31 refills of 32 words
        #expect(Set(words).count == words.count)
        // Every bit position is set in some words and clear in others (a zeroed or stuck buffer fails).
        for bit in 0..<64 {
            let ones = words.filter { $0 >> UInt64(bit) & 1 == 1 }.count
            #expect((350...650).contains(ones), "bit \(bit) was set in \(ones) of 1,000 words")
        }
    }

    @Test func concurrentCallersNeverGetTheSameWord() async {
        let seen = Mutex<[UInt64]>([])
        await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var generator = BufferedRandom()
                    return (0..<500).map { _ in generator.next() as UInt64 }
                }
            }
            for await words in group { seen.withLock { $0.append(contentsOf: words) } }
        }
        let words = seen.withLock { $0 }
        #expect(words.count == 4_000)
        #expect(Set(words).count == 4_000)
    }

    @Test func taskIDsSortByTimeAndDifferWithinAMillisecond() {
        let instant = Date(timeIntervalSince1970: 1_763_799_821.123)
        let ids = (0..<256).map { _ in TaskID.make(now: instant) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.wholeMatch(of: #/task_[0-9a-f]{28}/#) != nil)
            #expect(UInt64(id.dropFirst(5).prefix(12), radix: 16) == 1_763_799_821_123)
        }
        #expect(TaskID.make(now: instant) < TaskID.make(now: instant.addingTimeInterval(0.001)))
    }
}

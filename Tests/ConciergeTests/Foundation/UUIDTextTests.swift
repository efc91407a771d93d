import ConciergeCore
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func isALowerCaseVersion4UUIDThatFoundationReadsBack() throws {
        for _ in 0..<64 {
            let text = UUIDText.random()
            #expect(text.wholeMatch(of: #/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/#) != nil)
            let parsed = try #require(UUID(uuidString: text))
            #expect(parsed.uuidString.lowercased() == text)
        }
    }

    @Test func idsDifferAndUseEveryHexDigit() {
        let ids = (0..<64).map { _ in UUIDText.random() }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids.joined().filter { $0 != "-" }) == Set("0123456789abcdef"))
    }

    @Test func timeOrderedIdsAreVersion7AndSortByTheirMillisecond() throws {
        let base: UInt64 = 1_763_799_821_123
        var previous = ""
        for offset in 0..<64 {
            let text = UUIDText.timeOrdered(millisecondsSince1970: base + UInt64(offset))
            #expect(text.wholeMatch(of: #/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/#) != nil)
            #expect(try #require(UUID(uuidString: text)).uuidString.lowercased() == text)
            // The first 48 bits are the millisecond, so text order is time order
            #expect(UInt64(text.prefix(8) + text.dropFirst(9).prefix(4), radix: 16) == base + UInt64(offset))
            #expect(text > previous)
            previous = text
        }
        let sameMillisecond = (0..<64).map { _ in UUIDText.timeOrdered(millisecondsSince1970: base) }
        #expect(Set(sameMillisecond).count == 64)
        let now = UUIDText.currentMilliseconds()
        #expect(abs(Double(now) / 1000 - Date().timeIntervalSince1970) < 5)
    }
}

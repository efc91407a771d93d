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
}

import ConciergeCore
import Foundation
import Testing

@Suite struct JSONValueTextTests {
    static let samples: [JSONValue] = [
        .null, true, 0, -3, 2.5, 1e-5, 12_345_678_901, "plain", "quote \" backslash \\ slash / tab \t newline \n bell \u{07} é 東京 🙂",
        ["b": 1, "a": [1, "x", .null, ["nested": false]], "c": .object([:]), "d": .array([])],
    ]

    @Test func writesWhatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for sample in Self.samples {
            #expect(sample.jsonText == String(decoding: try encoder.encode(sample), as: UTF8.self))
            #expect(JSONValue(jsonText: sample.jsonText) == sample)
        }
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(JSONValue.number(.infinity).jsonText == "null")
        #expect(JSONValue.array([.number(.nan)]).jsonText == "[null]")
    }
}

@testable import ConciergeHTTP
import Foundation
import Testing

/// The header trim by hand (credentials, `Content-Type`) is Foundation's `trimmingCharacters(in: .whitespaces)`.
@Suite struct HeaderTextTests {
    @Test(arguments: [
        "", " ", "\t \t", "ck_live_abc", "  ck_live_abc ", "\tck_live_abc\t", "a b", " a\u{00A0}b\u{3000}", "\u{2003}key\u{2003}", "key\n", "\nkey",
        "\u{00A0}", "é ", " 🙂 ", "x\u{200B}", "\u{1680}k\u{202F}", "\u{205F}k\u{180E}", "\u{200C}k\u{2028}", "\u{FEFF}k\u{85}",
    ])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(HeaderText.trimmingSpaces(text[...]) == text.trimmingCharacters(in: .whitespaces))
        let embedded = "Bearer " + text
        let part = embedded.split(separator: " ", maxSplits: 1).dropFirst().first ?? ""
        #expect(HeaderText.trimmingSpaces(part) == part.trimmingCharacters(in: .whitespaces))
    }
}

/// The media types JSON routes accept.
@Suite struct JSONMediaTypeTests {
    @Test func jsonMediaTypesAreRecognised() {
        for accepted in ["application/json", "application/json; charset=utf-8", " Application/JSON ;x=y", "\tapplication/problem+json", "application/json\u{00A0}"] {
            #expect(JSONBodyDecoder.isJSON(accepted), "\(accepted)")
        }
        for refused in ["text/plain", "application/jsonx", "", "application/json-seq", "multipart/form-data"] {
            #expect(!JSONBodyDecoder.isJSON(refused), "\(refused)")
        }
    }
}

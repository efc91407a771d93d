@testable import ConciergeHTTP
import Foundation
import Testing

/// The credential's trim by hand is Foundation's `trimmingCharacters(in: .whitespaces)`.
@Suite struct CredentialTrimTests {
    @Test(arguments: [
        "", " ", "\t \t", "ck_live_abc", "  ck_live_abc ", "\tck_live_abc\t", "a b", " a\u{00A0}b\u{3000}", "\u{2003}key\u{2003}", "key\n", "\nkey",
        "\u{00A0}", "é ", " 🙂 ", "x\u{200B}", "\u{1680}k\u{202F}", "\u{205F}k\u{180E}", "\u{200C}k\u{2028}", "\u{FEFF}k\u{85}",
    ])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(AccessMiddleware.trimmingSpaces(text[...]) == text.trimmingCharacters(in: .whitespaces))
        let embedded = "Bearer " + text
        let part = embedded.split(separator: " ", maxSplits: 1).dropFirst().first ?? ""
        #expect(AccessMiddleware.trimmingSpaces(part) == part.trimmingCharacters(in: .whitespaces))
    }
}

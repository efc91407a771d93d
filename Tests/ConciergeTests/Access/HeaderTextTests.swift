@testable import ConciergeHTTP
import Foundation
import HTTPTypes
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

/// The one-pass header read gives what the `HTTPFields` subscript gives: absent, single, repeated (joined with ", ",
/// cookies with "; "), names in any case.
@Suite struct HeaderFieldValueTests {
    @Test func readsAsTheSubscriptDoes() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .contentType, value: "application/json"))
        fields.append(HTTPField(name: .cacheControl, value: "no-cache"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("X-Custom")), value: "a"))
        fields.append(HTTPField(name: .cacheControl, value: "max-age=0"))
        fields.append(HTTPField(name: .cookie, value: "a=1"))
        fields.append(HTTPField(name: .cookie, value: "b=2"))
        fields.append(HTTPField(name: .acceptLanguage, value: ""))
        let names: [HTTPField.Name] = [.contentType, .cacheControl, try #require(HTTPField.Name("x-custom")), .cookie, .contentLength, .acceptLanguage]
        for name in names {
            #expect(fields.fieldValue(name) == fields[name], "\(name)")
        }
        #expect(fields.fieldValue(.cacheControl) == "no-cache, max-age=0")
        #expect(fields.fieldValue(.cookie) == "a=1; b=2")
        #expect(fields.fieldValue(.contentLength) == nil)
    }
}

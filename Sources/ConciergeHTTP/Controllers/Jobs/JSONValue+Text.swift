import ConciergeCore
import Foundation

/// Job payloads and results are stored as JSON text; the admin API shows them as JSON values.
extension JSONValue {
    /// Parses stored JSON text; text that is not JSON comes back as a string.
    init(text: String) {
        self = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    /// The compact JSON text, keys sorted.
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}

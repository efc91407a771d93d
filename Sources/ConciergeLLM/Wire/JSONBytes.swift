import ConciergeCore

/// The bytes of a JSON document written by hand: punctuation and keys as given, strings and values through
/// ``JSONValue``'s writer (the one escaper).
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        JSONValue.writeString(value) { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func value(_ value: JSONValue) {
        value.write(into: &bytes)
    }

    /// `key` (with its leading comma and colon) and the value, only when there is one: `encodeIfPresent`.
    mutating func field<T>(_ key: StaticString, _ value: T?, _ write: (inout JSONBytes, T) -> Void) {
        guard let value else { return }
        raw(key)
        write(&self, value)
    }
}

/// The bytes of a JSON document written by hand: punctuation and keys as given, strings and values through
/// ``JSONValue``'s writer (the one escaper). Hot shapes (provider requests, run documents) write themselves with
/// it instead of building a ``JSONValue`` tree and sorting its keys on every write.
public struct JSONBytes {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ value: String) {
        JSONValue.writeString(value) { bytes.append(contentsOf: $0) }
    }

    public mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func value(_ value: JSONValue) {
        value.write(into: &bytes)
    }

    /// A JSON array of strings.
    public mutating func strings(_ values: [String]) {
        raw("[")
        for (index, value) in values.enumerated() {
            if index > 0 { raw(",") }
            string(value)
        }
        raw("]")
    }

    /// `key` (with its leading comma and colon) and the value, only when there is one: `encodeIfPresent`.
    public mutating func field<T>(_ key: StaticString, _ value: T?, _ write: (inout JSONBytes, T) -> Void) {
        guard let value else { return }
        raw(key)
        write(&self, value)
    }

    /// The document as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

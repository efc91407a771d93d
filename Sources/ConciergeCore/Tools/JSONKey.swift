/// An object's key as a ``JSONCursor`` reads it: the key's bytes in the document when they are plain ASCII with no
/// escapes (nearly every key a wire shape has), so matching it against the names a reader knows makes no string;
/// otherwise its decoded text. Valid only while the cursor's document is (inside ``JSONCursor/read(_:_:)``).
public struct JSONKey {
    private let bytes: UnsafeBufferPointer<UInt8>?
    private let decoded: String

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.decoded = ""
    }

    init(decoded: String) {
        self.bytes = nil
        self.decoded = decoded
    }

    /// The key as text.
    public var text: String {
        guard let bytes else { return decoded }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func == (key: JSONKey, name: StaticString) -> Bool {
        name.withUTF8Buffer { name in
            guard let bytes = key.bytes else { return key.decoded.utf8.elementsEqual(name) }
            return bytes.count == name.count && bytes.elementsEqual(name)
        }
    }

    /// `case "id":` in a `switch` over a key.
    public static func ~= (name: StaticString, key: JSONKey) -> Bool {
        key == name
    }
}

extension JSONTextParser {
    /// An object key at a `"`: its bytes in place when they are printable ASCII with no escape, otherwise read as
    /// ``string()`` reads any string (same checks, same errors).
    mutating func key() throws(Invalid) -> JSONKey {
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                index = end + 1
                return JSONKey(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { break }
            end += 1
        }
        return JSONKey(decoded: try string())
    }
}

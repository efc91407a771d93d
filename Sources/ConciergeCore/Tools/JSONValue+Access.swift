import Foundation

extension JSONValue {
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Compact JSON text with sorted keys (stable for cache keys and journals), written directly: the same text
    /// as `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` for ordinary values, at a fraction of the
    /// cost (events, tool catalogues and journals write it on every run). Non-finite numbers become `null`.
    public var jsonText: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON bytes (the text is built as UTF-8 bytes: appending to a `String` scalar by scalar cost
    /// most of the writer's time).
    public func write(into bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            if !value.isFinite {
                bytes.append(contentsOf: "null".utf8)
            } else if value.rounded() == value, abs(value) < 9.0e15 {
                bytes.append(contentsOf: String(Int64(value)).utf8)
            } else {
                bytes.append(contentsOf: "\(value)".utf8)
            }
        case .string(let value): Self.writeString(value, into: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                item.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            // Sorted as pairs: looking each value up again by its key hashed every key a second time.
            for (index, member) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: runs of bytes that need no escape are copied whole (UTF-8 beyond ASCII passes through).
    static func writeString(_ value: String, into bytes: inout [UInt8]) {
        writeString(value) { bytes.append(contentsOf: $0) }
    }

    /// `value` as a JSON string literal, quotes included, handed to `append` piece by piece: each run of bytes that
    /// needs no escape whole, then each escape (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, else `\u00xx`). The
    /// one string escaper for every JSON writer (values, journals, the gateway's responses), whatever it writes into.
    public static func writeString(_ value: String, to append: (UnsafeRawBufferPointer) -> Void) {
        func emit(_ text: StaticString) { text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) } }
        emit("\"")
        var value = value
        value.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            var runStart = 0
            for index in 0..<raw.count {
                let byte = raw[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                append(UnsafeRawBufferPointer(rebasing: raw[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): emit("\\\"")
                case UInt8(ascii: "\\"): emit("\\\\")
                case 0x0A: emit("\\n")
                case 0x0D: emit("\\r")
                case 0x09: emit("\\t")
                case 0x08: emit("\\b")
                case 0x0C: emit("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    let escape: [UInt8] = Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                    escape.withUnsafeBytes(append)
                }
            }
            append(UnsafeRawBufferPointer(rebasing: raw[runStart..<raw.count]))
        }
        emit("\"")
    }
}

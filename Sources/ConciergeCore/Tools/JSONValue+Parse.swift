extension JSONValue {
    /// Parses JSON text; nil when it is not JSON. Written by hand over the UTF-8 bytes: Foundation's `JSONDecoder`
    /// (with `JSONValue`'s try-each-type `Codable` form) cost several times more, and run documents, journal
    /// entries, events and model replies are parsed on every run.
    public init?(jsonText: String) {
        var text = jsonText
        let parsed = text.withUTF8 { bytes -> JSONValue? in
            var parser = JSONTextParser(bytes: bytes)
            return parser.document()
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Parses a JSON document from UTF-8 bytes (a request or response body), or says where it stops being JSON.
    /// Strings must be valid UTF-8, as `JSONDecoder` requires.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONTextParser(bytes: bytes.assumingMemoryBound(to: UInt8.self))
        guard let value = parser.document() else { throw JSONSyntaxError(offset: parser.index) }
        return value
    }
}

/// Where a document stops being JSON.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// The byte offset at which the parser gave up.
    public let offset: Int

    public var description: String { "Malformed JSON: unexpected input at byte \(offset)." }
}

/// A strict JSON parser (RFC 8259) into ``JSONValue``: numbers become `Double`, nesting is bounded like `JSONDecoder`'s.
struct JSONTextParser {
    struct Invalid: Error {}

    static let maxDepth = 512
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() -> JSONValue? {
        do {
            let value = try self.value(depth: 0)
            skipWhitespace()
            return index == bytes.count ? value : nil
        } catch {
            return nil
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(Invalid) -> JSONValue {
        guard depth < Self.maxDepth else { throw Invalid() }
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try object(depth: depth))
        case UInt8(ascii: "["): return .array(try array(depth: depth))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    /// Skips one value, refusing what ``value(depth:)`` refuses, without building it (``JSONCursor/skip()``).
    mutating func skipValue(depth: Int) throws(Invalid) {
        guard depth < Self.maxDepth else { throw Invalid() }
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) throws(Invalid) {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            if keyed {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
                try skipString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw Invalid() }
            let next = bytes[index]
            index += 1
            if next == close { return }
            guard next == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    /// A string skipped from its opening quote: plain ASCII is only scanned; escapes and other text are read and
    /// checked by ``string()``.
    private mutating func skipString() throws(Invalid) {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") || byte >= 0x80 {
                index = start
                _ = try string()
                return
            }
            guard byte >= 0x20 else { throw Invalid() }
            index += 1
        }
        throw Invalid()
    }

    private mutating func object(depth: Int) throws(Invalid) -> [String: JSONValue] {
        index += 1
        var object: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return object
        }
        // Room for the usual small object up front: one allocation, where growing from empty reallocates several
        // times (measured with uprobes: 12 fewer mallocs per plain gateway call, 40 fewer per streamed one).
        object.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            object[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw Invalid() }
            let next = bytes[index]
            index += 1
            if next == UInt8(ascii: "}") { return object }
            guard next == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    private mutating func array(depth: Int) throws(Invalid) -> [JSONValue] {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return items
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw Invalid() }
            let next = bytes[index]
            index += 1
            if next == UInt8(ascii: "]") { return items }
            guard next == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    mutating func expect(_ byte: UInt8) throws(Invalid) {
        guard index < bytes.count, bytes[index] == byte else { throw Invalid() }
        index += 1
    }

    mutating func literal(_ word: StaticString) throws(Invalid) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Invalid() }
        index += count
    }

    /// A string starting at its opening quote; the plain run between escapes is copied in one piece.
    mutating func string() throws(Invalid) -> String {
        index += 1
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                // ASCII is valid UTF-8 as it stands: only other text pays for `String(validating:)` (generic, unspecialised).
                guard let text = ascii ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self) else { throw Invalid() }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Invalid() }
            ascii = ascii && byte < 0x80
            index += 1
        }
        var scratch = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: scratch, as: UTF8.self) else { throw Invalid() }
                return text
            case UInt8(ascii: "\\"): try escape(into: &scratch)
            case ..<0x20: throw Invalid()
            default: scratch.append(byte)
            }
        }
        throw Invalid()
    }

    private mutating func escape(into scratch: inout [UInt8]) throws(Invalid) {
        guard index < bytes.count else { throw Invalid() }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                // A high surrogate must be followed by an escaped low one.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Invalid() }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Invalid() }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw Invalid()
            }
            guard let scalar = Unicode.Scalar(code) else { throw Invalid() }
            scratch.append(contentsOf: String(Character(scalar)).utf8)
        default: throw Invalid()
        }
    }

    private mutating func hex4() throws(Invalid) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Invalid() }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            code = code << 4 | UInt32(digit)
        }
        return code
    }

    /// A number in JSON's grammar; plain integers of up to 15 digits are read exactly without a text round trip.
    mutating func number() throws(Invalid) -> Double {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        var integer: Int64 = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            integer = integer &* 10 &+ Int64(digit)
            index += 1
        }
        let integerDigits = index - integerStart
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw Invalid() }
        var simple = integerDigits <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            try digits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        if simple { return Double(bytes[start] == UInt8(ascii: "-") ? -integer : integer) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Invalid() }
        return value
    }

    private mutating func digits() throws(Invalid) {
        let start = index
        while index < bytes.count, Self.digit(bytes[index]) != nil { index += 1 }
        guard index > start else { throw Invalid() }
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }
}

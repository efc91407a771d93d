/// Reads one JSON document straight into typed values, field by field, for the hottest wire shapes (a streamed
/// chunk per event): no ``JSONValue`` tree and no dictionary per object.
///
/// The syntax is as strict as ``JSONValue/init(jsonText:)`` (a skipped value is parsed and checked like any other),
/// and the reads follow ``JSONFields``: an optional value may be null, a present value of the wrong type is an
/// error, unknown fields are skipped by the caller. One difference from a dictionary: a repeated key is read each
/// time, so its last value wins and each must have the right type.
///
/// A cursor reads borrowed bytes: use it only inside ``read(_:_:)``.
public struct JSONCursor {
    /// The text is not JSON, or not of the shape read.
    public struct Malformed: Error, Sendable {
        public let offset: Int
    }

    var parser: JSONTextParser

    /// Reads `text` with `body`, which reads the one top-level value; only whitespace may follow it.
    public static func read<T>(_ text: String, _ body: (inout JSONCursor) throws -> T) throws -> T {
        var text = text
        return try text.withUTF8 { try read(utf8: UnsafeRawBufferPointer($0), body) }
    }

    /// Reads UTF-8 `bytes` (a request body) as ``read(_:_:)`` reads a string; strings in it must be valid UTF-8.
    public static func read<T>(utf8 bytes: UnsafeRawBufferPointer, _ body: (inout JSONCursor) throws -> T) throws -> T {
        var cursor = JSONCursor(parser: JSONTextParser(bytes: bytes.assumingMemoryBound(to: UInt8.self)))
        let value = try body(&cursor)
        cursor.parser.skipWhitespace()
        guard cursor.parser.index == bytes.count else { throw cursor.malformed }
        return value
    }

    /// The error for a document that is not of the shape read, at the cursor's place (a missing required field).
    public var malformed: Malformed { Malformed(offset: parser.index) }

    private mutating func peek() -> UInt8? {
        parser.skipWhitespace()
        return parser.index < parser.bytes.count ? parser.bytes[parser.index] : nil
    }

    /// Consumes a `null` and says so; false (nothing consumed) for any other value.
    private mutating func null() throws -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        do { try parser.literal("null") } catch { throw malformed }
        return true
    }

    /// A string, or nil for null.
    public mutating func optionalString() throws -> String? {
        if try null() { return nil }
        guard peek() == UInt8(ascii: "\"") else { throw malformed }
        do { return try parser.string() } catch { throw malformed }
    }

    /// A whole number that fits an `Int` (`12` or `12.0`, as ``JSONFields/optionalInt(_:)``), or nil for null.
    public mutating func optionalInt() throws -> Int? {
        if try null() { return nil }  // (which skipped the whitespace before the number)
        let number: Double
        do { number = try parser.number() } catch { throw malformed }
        guard let int = Int(exactly: number) else { throw malformed }
        return int
    }

    /// A number, or nil for null.
    public mutating func optionalDouble() throws -> Double? {
        if try null() { return nil }
        do { return try parser.number() } catch { throw malformed }
    }

    /// `true` or `false`, or nil for null.
    public mutating func optionalBool() throws -> Bool? {
        switch peek() {
        case UInt8(ascii: "t"):
            do { try parser.literal("true") } catch { throw malformed }
            return true
        case UInt8(ascii: "f"):
            do { try parser.literal("false") } catch { throw malformed }
            return false
        default:
            if try null() { return nil }
            throw malformed
        }
    }

    /// Any value as ``value()`` reads it, or nil for null (``JSONFields/value(_:)``).
    public mutating func optionalValue() throws -> JSONValue? {
        if try null() { return nil }
        return try value()
    }

    /// An object: `field` is called with each key and must read or ``skip()`` its value.
    public mutating func object(_ field: (inout JSONCursor, JSONKey) throws -> Void) throws {
        try container(UInt8(ascii: "{"), UInt8(ascii: "}")) { cursor in try cursor.member(field) }
    }

    /// One `"key": value` of an object; `field` reads the value.
    private mutating func member(_ field: (inout JSONCursor, JSONKey) throws -> Void) throws {
        guard peek() == UInt8(ascii: "\"") else { throw malformed }
        let key: JSONKey
        do {
            key = try parser.key()
            parser.skipWhitespace()
            try parser.expect(UInt8(ascii: ":"))
        } catch {
            throw malformed
        }
        try field(&self, key)
    }

    /// An object or array from `open` to `close`: `element` reads each member, separated by commas.
    private mutating func container(_ open: UInt8, _ close: UInt8, _ element: (inout JSONCursor) throws -> Void) throws {
        guard peek() == open else { throw malformed }
        parser.index += 1
        if peek() == close {
            parser.index += 1
            return
        }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): parser.index += 1
            case close:
                parser.index += 1
                return
            default: throw malformed
            }
        }
    }

    /// An object read as ``object(_:)``, or false (nothing read) for null.
    public mutating func optionalObject(_ field: (inout JSONCursor, JSONKey) throws -> Void) throws -> Bool {
        if try null() { return false }
        try object(field)
        return true
    }

    /// An array whose elements `element` reads one by one, or nil for null.
    public mutating func optionalArray<T>(_ element: (inout JSONCursor) throws -> T) throws -> [T]? {
        if try null() { return nil }
        var items: [T] = []
        try container(UInt8(ascii: "["), UInt8(ascii: "]")) { cursor in items.append(try element(&cursor)) }
        return items
    }

    /// An array whose elements `element` reads one by one without gathering them; false (nothing read) for null.
    @discardableResult
    public mutating func optionalEach(_ element: (inout JSONCursor) throws -> Void) throws -> Bool {
        if try null() { return false }
        try container(UInt8(ascii: "["), UInt8(ascii: "]"), element)
        return true
    }

    /// Any value, parsed as ``JSONValue`` (for the rare field read whole).
    public mutating func value() throws -> JSONValue {
        do { return try parser.value(depth: 1) } catch { throw malformed }
    }

    /// Skips one value, checking its syntax, without building it.
    public mutating func skip() throws {
        do { try parser.skipValue(depth: 1) } catch { throw malformed }
    }
}

/// Typed reads of one parsed JSON object, for decoders written by hand over ``JSONValue`` (the hot wire shapes:
/// Chat Completions requests and answers), with the rules of a synthesized `Decodable`: an optional field may be
/// missing or null, a present field of the wrong type is an error, unknown fields are ignored.
public struct JSONFields: Sendable {
    public let object: [String: JSONValue]
    /// Where this object sits in the document (`messages[0].function`); empty at the root.
    public let path: String

    /// `value` as an object; any other value is a ``JSONShapeError`` at `path`.
    public init(_ value: JSONValue, path: String = "") throws(JSONShapeError) {
        guard case .object(let object) = value else { throw JSONShapeError(.wrongType, path: path, expected: "an object") }
        self.object = object
        self.path = path
    }

    /// The path of a field or element below this object.
    public func path(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The raw value; nil when missing or null.
    public func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(JSONShapeError) -> String {
        try required(key, try optionalString(key), expected: "a string")
    }

    public func optionalString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw JSONShapeError(.wrongType, path: path(key), expected: "a string") }
        return text
    }

    public func optionalBool(_ key: String) throws(JSONShapeError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw JSONShapeError(.wrongType, path: path(key), expected: "a boolean") }
        return flag
    }

    public func optionalDouble(_ key: String) throws(JSONShapeError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value else { throw JSONShapeError(.wrongType, path: path(key), expected: "a number") }
        return number
    }

    /// A whole number that fits an `Int` (`12` or `12.0`, as `JSONDecoder` reads them).
    public func optionalInt(_ key: String) throws(JSONShapeError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, let int = Int(exactly: number) else {
            throw JSONShapeError(.wrongType, path: path(key), expected: "an integer")
        }
        return int
    }

    public func fields(_ key: String) throws(JSONShapeError) -> JSONFields {
        try required(key, try optionalFields(key), expected: "an object")
    }

    public func optionalFields(_ key: String) throws(JSONShapeError) -> JSONFields? {
        guard let value = value(key) else { return nil }
        return try JSONFields(value, path: path(key))
    }

    public func array(_ key: String) throws(JSONShapeError) -> [JSONValue] {
        try required(key, try optionalArray(key), expected: "an array")
    }

    public func optionalArray(_ key: String) throws(JSONShapeError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw JSONShapeError(.wrongType, path: path(key), expected: "an array") }
        return items
    }

    /// Each element of an array field as an object, decoded by `element` (nil when the field is missing or null).
    public func optionalObjects<T>(
        _ key: String, _ element: (JSONFields) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> [T]? {
        guard let items = try optionalArray(key) else { return nil }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result.append(try element(try JSONFields(item, path: "\(path(key))[\(index)]")))
        }
        return result
    }

    public func objects<T>(_ key: String, _ element: (JSONFields) throws(JSONShapeError) -> T) throws(JSONShapeError) -> [T] {
        try required(key, try optionalObjects(key, element), expected: "an array")
    }

    private func required<T>(_ key: String, _ value: T?, expected: String) throws(JSONShapeError) -> T {
        if let value { return value }
        throw JSONShapeError(object[key] == nil ? .missing : .null, path: path(key), expected: expected)
    }
}

/// A JSON document that parsed but does not have the expected shape; its description names the field as
/// `JSONBodyDecoder` describes a `DecodingError`.
public struct JSONShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable { case missing, null, wrongType }

    public let problem: Problem
    public let path: String
    /// "a string", "an object" …
    public let expected: String

    public init(_ problem: Problem, path: String, expected: String) {
        self.problem = problem
        self.path = path
        self.expected = expected
    }

    public var description: String {
        switch problem {
        case .missing: "Missing required field '\(path)'."
        case .null: "Field '\(path)' is null: expected \(expected)."
        case .wrongType where path.isEmpty: "The JSON body must be \(expected)."
        case .wrongType: "Field '\(path)' has the wrong type: expected \(expected)."
        }
    }
}

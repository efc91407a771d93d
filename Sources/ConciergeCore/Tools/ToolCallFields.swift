/// The fields of an OpenAI tool call as ``JSONCursor`` reads them, before each shape applies what it requires (the
/// client's request, a completion): `{"id": …, "type": …, "function": {"name": …, "arguments": …}}`. Other fields are
/// skipped.
public struct ToolCallFields {
    public var id: String?
    public var type: String?
    /// Nil when `function` is missing or null.
    public var function: FunctionCallFields?

    public init(cursor: inout JSONCursor) throws {
        var id: String?
        var type: String?
        var function: FunctionCallFields?
        try cursor.object { cursor, key in
            switch key {
            case "id": id = try cursor.optionalString()
            case "type": type = try cursor.optionalString()
            case "function": function = try FunctionCallFields(cursor: &cursor)
            default: try cursor.skip()
            }
        }
        self.id = id
        self.type = type
        self.function = function
    }
}

/// A tool call's `{"name": …, "arguments": …}`, as ``JSONCursor`` reads it; other fields are skipped.
public struct FunctionCallFields {
    public var name: String?
    public var arguments: String?

    /// Nil for null.
    public init?(cursor: inout JSONCursor) throws {
        var name: String?
        var arguments: String?
        let present = try cursor.optionalObject { cursor, key in
            switch key {
            case "name": name = try cursor.optionalString()
            case "arguments": arguments = try cursor.optionalString()
            default: try cursor.skip()
            }
        }
        guard present else { return nil }
        self.name = name
        self.arguments = arguments
    }
}

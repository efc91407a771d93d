import Foundation

/// The JSON documents the stores keep for runs and journal entries. Runs and journal entries, written and read
/// several times per run, go through ``RunJSON`` (by hand); anything else through Foundation's coders.
public enum RunCoding {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        if let run = value as? TaskRun { return RunJSON.text(run) }
        if let call = value as? ToolCallRecord { return RunJSON.text(call) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        if type == TaskRun.self, let run = try RunJSON.decodeRun(json(text)) as? T { return run }
        if type == ToolCallRecord.self, let call = try RunJSON.decodeCall(json(text)) as? T { return call }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }

    private static func json(_ text: String) throws -> JSONValue {
        guard let json = JSONValue(jsonText: text) else { throw RunJSON.Invalid(description: "the stored document is not JSON") }
        return json
    }
}

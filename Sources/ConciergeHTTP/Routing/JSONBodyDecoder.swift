public import ConciergeCore
import Foundation
public import Hummingbird
import NIOCore

/// Decodes JSON request bodies with the checks every JSON route needs: `Content-Type` (415),
/// the body limit (413) and a 400 that says what is wrong with the JSON.
public enum JSONBodyDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        let buffer = try await body(of: request, context: context)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error), code: "invalid_json")
        }
    }

    /// The body parsed by ``JSONValue``'s parser (for shapes that read themselves from it), after the same checks;
    /// a 400 says at which byte it stops being JSON.
    public static func json(from request: Request, context: AppRequestContext) async throws -> JSONValue {
        try parse(try await body(of: request, context: context))
    }

    /// `buffer` parsed by ``JSONValue``'s parser; a 400 says at which byte it stops being JSON.
    public static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        do {
            return try buffer.readableBytesView.withUnsafeBytes { bytes throws(JSONSyntaxError) in try JSONValue.parse(utf8: bytes) }
        } catch {
            throw APIError.badRequest(error.description, code: "invalid_json")
        }
    }

    /// The body read by hand: parsed by ``json(from:context:)``, then its fields taken by `read`.
    public static func read<T>(
        from request: Request, context: AppRequestContext, _ read: (JSONFields) throws(JSONShapeError) -> T
    ) async throws -> T {
        try fields(of: try await json(from: request, context: context), read)
    }

    /// `json`'s fields taken by `read`; a missing field or one of the wrong type is a 400 that names it (the rules of a
    /// synthesized `Decodable`, see ``JSONFields``).
    public static func fields<T>(of json: JSONValue, _ read: (JSONFields) throws(JSONShapeError) -> T) throws -> T {
        do {
            return try read(JSONFields(json))
        } catch {
            throw APIError.badRequest(error.description, code: "invalid_json")
        }
    }

    /// The whole body once `Content-Type` (415), size (413), emptiness and nesting depth (400) are checked.
    static func body(of request: Request, context: AppRequestContext) async throws -> ByteBuffer {
        let contentType = request.headers.fieldValue(.contentType)
        guard let contentType, Self.isJSON(contentType) else {
            throw APIError.unsupportedMediaType(contentType)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(limit: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge(limit: context.maxUploadSize)
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("Request body is empty; expected a JSON object.", code: "invalid_json")
        }
        guard Self.nestingDepth(buffer.readableBytesView) <= maxDepth else {
            throw APIError.badRequest("JSON is nested deeper than \(maxDepth) levels.", code: "json_too_deep")
        }
        return buffer
    }

    /// Deeper bodies are refused before parsing, so a hostile body cannot exhaust the parser's stack or memory.
    public static let maxDepth = 64

    /// The deepest nesting of arrays and objects, counted in one pass over the bytes (strings skipped).
    /// Stops counting at `maxDepth + 1`.
    static func nestingDepth(_ bytes: some Sequence<UInt8>) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > maxDepth { return deepest }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }  // what nearly every client sends: no copies for it
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { HeaderText.trimmingSpaces($0).lowercased() }
        return mediaType == "application/json" || (mediaType?.hasSuffix("+json") ?? false)
    }

    /// A client-facing sentence for a decoding failure: which field, what was expected.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let detail = context.underlyingError.map { " (\(String(describing: $0)))" } ?? ""
            return "Malformed JSON: \(context.debugDescription)\(detail)".replacingOccurrences(of: "\n", with: " ")
        case .dataCorrupted(let context):
            return "Invalid value at '\(path(context.codingPath))': \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let prefix = context.codingPath.isEmpty ? "" : "\(path(context.codingPath))."
            return "Missing required field '\(prefix)\(key.stringValue)'."
        case .typeMismatch(let type, let context):
            return "Field '\(path(context.codingPath))' has the wrong type: expected \(describeType(type))."
        case .valueNotFound(let type, let context):
            return "Field '\(path(context.codingPath))' is null: expected \(describeType(type))."
        @unknown default:
            return "Invalid JSON body."
        }
    }

    private static func describeType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : (String(describing: type).hasPrefix("Dictionary") ? "an object" : "\(type)")
        }
    }
}

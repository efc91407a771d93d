import ConciergeCore
import Hummingbird
import Foundation

/// The JSON error document every error response carries.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case code, message
            case requestID = "request_id"
        }
    }

    let error: Detail

    static func response(for error: APIError, requestID: String) -> Response {
        let body = ErrorBody(error: .init(code: error.code, message: SecretScrubber.scrub(error.message), requestID: requestID))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error"}}"#.utf8)
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

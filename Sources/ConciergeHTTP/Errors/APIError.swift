public import HTTPTypes

/// An error with a stable machine-readable code, rendered as
/// `{"error":{"code":…,"message":…,"request_id":…}}` by ``ErrorMiddleware``.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra response headers, for example `Allow` on a 405 or `Retry-After` on a 429.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func badRequest(_ message: String, code: String = "invalid_request") -> Self {
        .init(.badRequest, code: code, message: message)
    }

    public static func notFound(_ message: String = "No such resource.") -> Self {
        .init(.notFound, code: "not_found", message: message)
    }

    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> Self {
        var headers = HTTPFields()
        headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        return .init(.methodNotAllowed, code: "method_not_allowed", message: "Method \(method.rawValue) is not allowed here.", headers: headers)
    }

    public static func payloadTooLarge(limit: Int) -> Self {
        .init(.contentTooLarge, code: "payload_too_large", message: "Request body is larger than the limit of \(limit) bytes.")
    }

    public static func unsupportedMediaType(_ received: String?) -> Self {
        .init(
            .unsupportedMediaType,
            code: "unsupported_media_type",
            message: "Content-Type must be application/json, not \(received.map { "'\($0)'" } ?? "missing")."
        )
    }

    public static let internalError = APIError(.internalServerError, code: "internal_error", message: "Internal server error.")

    public static let serviceUnavailable = APIError(.serviceUnavailable, code: "unavailable", message: "Service is unavailable.")
}

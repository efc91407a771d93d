import Foundation
public import Hummingbird
import Logging

/// Turns every error into the JSON error document with the right status; a 404 whose path exists for
/// other methods becomes a 405. Unknown errors become a bare 500: their detail goes to the log only.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let routes: RouteRegistry

    public init(routes: RouteRegistry) {
        self.routes = routes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = map(error, request: request, context: context)
            return ErrorBody.response(for: apiError, requestID: context.requestID)
        }
    }

    func map(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError where error.status == .notFound:
            let allowed = routes.methods(matching: request.uri.path)
            if !allowed.isEmpty { return .methodNotAllowed(request.method, allowed: allowed) }
            return .notFound(error.body ?? "No route for \(request.method.rawValue) \(Self.safePath(request.uri.path)).")
        case let error as HTTPError:
            return Self.apiError(status: error.status, message: error.body)
        case let error as DecodingError:
            return .badRequest(JSONBodyDecoder.describe(error), code: "invalid_json")
        case let error as any HTTPResponseError where error.status.code < 500:
            return Self.apiError(status: error.status, message: nil)
        default:
            context.logger.error(
                "Unhandled error",
                metadata: ["error.type": .string(String(describing: type(of: error))), "error.message": .string(String(describing: error))]
            )
            return .internalError
        }
    }

    static func apiError(status: HTTPResponse.Status, message: String?) -> APIError {
        switch status {
        case .contentTooLarge: return APIError(status, code: "payload_too_large", message: message ?? "Request body is too large.")
        case .unsupportedMediaType: return APIError(status, code: "unsupported_media_type", message: message ?? status.reasonPhrase)
        case .badRequest: return APIError(status, code: "invalid_request", message: message ?? "Bad request.")
        case .unauthorized: return APIError(status, code: "unauthorized", message: message ?? "Authentication required.")
        case .forbidden: return APIError(status, code: "forbidden", message: message ?? "Forbidden.")
        case .notFound: return .notFound(message ?? "No such resource.")
        case .tooManyRequests: return APIError(status, code: "rate_limited", message: message ?? "Too many requests.")
        case .serviceUnavailable: return .serviceUnavailable
        default:
            if status.code >= 500 { return .internalError }
            return APIError(status, code: "http_\(status.code)", message: message ?? status.reasonPhrase)
        }
    }

    /// The path, cut to a bounded length and stripped of control characters, safe to echo in a message.
    static func safePath(_ path: String) -> String {
        let cleaned = path.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200)
        return String(String.UnicodeScalarView(cleaned))
    }
}

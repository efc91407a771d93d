import ConciergeCore
import Foundation
import Hummingbird

/// An error in OpenAI's shape, `{"error":{"message","type","param","code"}}`, for the gateway routes only
/// (the rest of the API uses ``ErrorBody``).
struct GatewayError: Error, Encodable {
    struct Detail: Encodable {
        let message: String
        let type: String
        let param: String?
        let code: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }

        enum CodingKeys: String, CodingKey { case message, type, param, code }
    }

    let status: HTTPResponse.Status
    let error: Detail
    var retryAfterSeconds: Int?

    enum CodingKeys: String, CodingKey { case error }

    init(_ status: HTTPResponse.Status, _ message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.error = Detail(message: message, type: type, param: param, code: code)
    }

    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> Self {
        .init(.badRequest, message, type: "invalid_request_error", param: param, code: code)
    }

    /// Maps a model-layer error to the status and type OpenAI would use. Provider request errors keep the
    /// provider's message (it describes the caller's request); other provider messages are not passed on.
    init(_ error: LLMError) {
        switch error.kind {
        case .request:
            self.init(HTTPResponse.Status(code: error.status ?? 400), error.message, type: error.providerType ?? "invalid_request_error", param: error.param, code: error.code)
        case .unknownModel:
            self.init(.notFound, error.message, type: "invalid_request_error", param: "model", code: "model_not_found")
        case .rateLimited:
            self.init(.tooManyRequests, "Every deployment is rate limited; retry later.", type: "rate_limit_error", code: "rate_limit_exceeded")
            retryAfterSeconds = error.retryAfter.map { max(1, Int($0.inSeconds.rounded(.up))) }
        case .timeout:
            self.init(.gatewayTimeout, "The model provider did not answer in time.", type: "api_error", code: "timeout")
        case .unavailable:
            self.init(.serviceUnavailable, "No model deployment is available.", type: "api_error", code: "unavailable")
        case .cancelled:
            self.init(HTTPResponse.Status(code: 499), "Request cancelled.", type: "api_error", code: "cancelled")
        default:
            self.init(.badGateway, "The model provider failed: \(error.kind).", type: "api_error", code: "upstream_error")
        }
    }

    /// 429 `budget_exceeded`, saying which budget and when it resets.
    init(budget error: BudgetExceeded, now: Date) {
        let resets = error.window.resetsAt.formatted(.iso8601)
        let period = error.window.name == "day" ? "daily" : "monthly"
        self.init(
            .tooManyRequests,
            "The \(period) budget of \(error.window.limit) USD cannot cover this call (worst case \(error.requested) USD, "
                + "\(error.committed) USD spent or reserved). It resets at \(resets).",
            type: "insufficient_quota", code: "budget_exceeded"
        )
        retryAfterSeconds = max(1, Int(error.window.resetsAt.timeIntervalSince(now).rounded(.up)))
    }

    /// 429 for a key's model tokens per minute.
    init(tokenLimit decision: RateLimitDecision, requested: Int) {
        let message = requested > decision.limit
            ? "This call needs about \(requested) tokens, more than the key's \(decision.limit) tokens per minute; lower max_tokens."
            : "Token rate limit of \(decision.limit) per minute exceeded."
        self.init(.tooManyRequests, message, type: "rate_limit_error", code: "rate_limit_exceeded")
        retryAfterSeconds = max(1, Int(decision.retryAfterSeconds.rounded(.up)))
    }

    /// Any error thrown while handling a gateway route, in OpenAI's shape.
    static func from(_ error: any Error) -> GatewayError {
        switch error {
        case let error as GatewayError: return error
        case let error as LLMError: return GatewayError(error)
        case let error as BudgetExceeded: return GatewayError(budget: error, now: Date())
        case let error as APIError:
            let type = error.status.code >= 500 ? "api_error" : "invalid_request_error"
            return GatewayError(error.status, error.message, type: type, code: error.code)
        default: return GatewayError(.internalServerError, "Internal server error.", type: "api_error", code: "internal_error")
        }
    }

    var json: ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(self)) ?? Data(#"{"error":{"message":"error","type":"api_error"}}"#.utf8))
    }

    var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: json))
    }
}

public import Hummingbird

/// Refuses a request whose declared `Content-Length` is over the limit before reading any of it.
/// Bodies without a length (chunked) are bounded when a route reads them (``JSONBodyDecoder``).
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let maxBodyBytes: Int

    public init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers.fieldValue(.contentLength), let length = Int(declared), length > maxBodyBytes {
            throw APIError.payloadTooLarge(limit: maxBodyBytes)
        }
        return try await next(request, context)
    }
}

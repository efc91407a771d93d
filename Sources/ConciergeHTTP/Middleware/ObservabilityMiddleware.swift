import Dispatch
import HTTPTypes
public import Hummingbird
import Logging

/// The outermost middleware: assigns the request id, counts and times the request, and writes the one
/// access-log line. It never logs bodies or headers other than the request id.
public struct ObservabilityMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    static let requestIDHeader = HTTPField.Name("X-Request-ID")!

    let metrics: HTTPMetrics
    let maxBodyBytes: Int

    public init(metrics: HTTPMetrics, maxBodyBytes: Int) {
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var context = context
        let requestID = request.headers.fieldValue(Self.requestIDHeader).flatMap { RequestID.isSane($0) ? $0 : nil } ?? RequestID.generate()
        context.requestID = requestID
        context.maxUploadSize = maxBodyBytes
        // `JSONLogHandler` keeps this id (and Hummingbird's own `hb.request.id`, which it never writes) beside its
        // metadata, so setting it copies no dictionary.
        context.logger[metadataKey: "request.id"] = .string(requestID)
        metrics.requestStarted()

        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // ErrorMiddleware renders every error; this only guards against a middleware ordering mistake.
            response = ErrorBody.response(for: .internalError, requestID: requestID)
        }
        response.headers[Self.requestIDHeader] = requestID
        let status = response.status.code
        let bytes = response.body.contentLength ?? 0
        let method = request.method
        let route = Self.routeLabel(context.endpointPath)
        // Timed to the response head: streamed bodies (SSE) report their own durations.
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        metrics.requestFinished(method: method, route: route, status: status, nanoseconds: elapsed)
        context.logger.info(
            "request",
            metadata: [
                "http.method": .string(method.rawValue),
                "http.route": .string(route),
                "http.status": .stringConvertible(status),
                "duration_ms": .stringConvertible(Double(elapsed / 1_000) / 1_000),
                "bytes": .stringConvertible(bytes),
            ]
        )
        return response
    }

    /// Route templates only: unmatched paths share one label so raw paths never reach metrics.
    static func routeLabel(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return "unmatched" }
        return endpointPath
    }
}

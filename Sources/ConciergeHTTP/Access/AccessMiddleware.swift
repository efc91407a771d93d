import ConciergeCore
import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// Authenticates every `/v1` and `/admin` request (API key as `Authorization: Bearer` or `X-API-Key`), checks the
/// route against the ``AccessPolicy`` table and the caller's rate limit, and guards `/metrics` off loopback.
public struct AccessMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let access: AccessControl
    /// Longer credential headers are refused unread.
    static let maxCredentialLength = 4096

    public init(access: AccessControl) {
        self.access = access
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard access.policy.isProtected(path) else {
            if path == "/metrics" { try checkMetricsToken(request) }
            return try await next(request, context)
        }
        var context = context
        let principal: Principal
        let bucket: String
        if access.keys == nil {
            principal = .local
            bucket = "ip:\(context.clientIP)"
        } else {
            do {
                principal = try await authenticate(request)
            } catch let error as APIError {
                context.logger.debug("Authentication failed", metadata: ["client.ip": .string(context.clientIP), "error.type": .string(error.code)])
                let presentedID = (try? Self.credential(request.headers)).flatMap(APIKeySecret.init(presented:))?.id
                await audit(request, context, actor: presentedID, action: "auth.failed", outcome: String(error.status.code))
                _ = try await limit(bucket: "ip:\(context.clientIP)", perMinute: access.defaultRequestsPerMinute)
                throw error
            }
            bucket = "key:\(principal.id)"
        }
        let minimum = access.policy.minimumRole(request.method, path)
        guard principal.role >= minimum else {
            await audit(request, context, actor: principal.id, action: "auth.forbidden", outcome: "403")
            throw APIError.forbidden(minimum)
        }
        context.principal = principal
        context.logger[metadataKey: "auth.key_id"] = .string(principal.id)
        let perMinute = principal.limits.requestsPerMinute ?? access.defaultRequestsPerMinute
        var decision: RateLimitDecision?
        if request.method == .post, access.rateLimits != nil, perMinute > 0, access.deferredRateLimitPaths.contains(path) {
            context.deferredRateLimit = RateCharge(bucket: "rpm:" + bucket, cost: 1, limit: perMinute)  // charged by the route
        } else {
            decision = try await limit(bucket: bucket, perMinute: perMinute)
        }
        let audited = path.hasPrefix("/admin") && request.method != .get && request.method != .head
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            if audited { await audit(request, context, actor: principal.id, action: "admin.action", outcome: Self.status(of: error)) }
            throw error
        }
        if audited { await audit(request, context, actor: principal.id, action: "admin.action", outcome: String(response.status.code)) }
        decision?.apply(to: &response.headers)
        return response
    }

    /// Records one event; a failing audit write is logged, never turned into a failed request.
    func audit(_ request: Request, _ context: Context, actor: String?, action: String, outcome: String) async {
        guard let log = access.audit else { return }
        let event = AuditEvent(
            time: access.now(), actor: actor, action: action,
            target: "\(request.method.rawValue) \(ErrorMiddleware.safePath(request.uri.path))", outcome: outcome,
            clientIP: context.clientIP, requestID: context.requestID
        )
        do {
            try await log.append(event)
        } catch {
            context.logger.warning("Audit write failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
        }
    }

    static func status(of error: any Error) -> String {
        switch error {
        case let error as APIError: String(error.status.code)
        case let error as any HTTPResponseError: String(error.status.code)
        default: "500"
        }
    }

    /// The key behind the request's single credential header.
    func authenticate(_ request: Request) async throws -> Principal {
        let presented = try Self.credential(request.headers)
        if let jwt = access.jwt, JWTAuthenticator.looksLikeJWT(presented) {
            guard let principal = await jwt.principal(for: presented) else { throw APIError.unauthenticated }
            return principal
        }
        guard let keys = access.keys, let secret = APIKeySecret(presented: presented), let record = try await keys.key(id: secret.id) else {
            throw APIError.unauthenticated
        }
        let now = access.now()
        let hash = secret.hash
        let current = APIKeySecret.constantTimeEqual(hash, record.secretHash)
        let previous = record.previousSecretHash.map { APIKeySecret.constantTimeEqual(hash, $0) } ?? false
        let previousValid = previous && (record.previousHashExpiresAt.map { now < $0 } ?? false)
        guard record.isActive(at: now), current || previousValid else { throw APIError.unauthenticated }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try? await keys.touchKey(id: record.id, at: now)
        }
        return Principal(id: record.id, name: record.name, role: record.role, limits: record.limits)
    }

    /// Exactly one credential: one `Authorization: Bearer …` or one `X-API-Key`, of bounded length.
    static func credential(_ headers: HTTPFields) throws -> String {
        // One pass over the fields, counting both names: no array of values per name.
        var found: (value: String, isBearer: Bool)?
        var count = 0
        for field in headers where field.name == .authorization || field.name == apiKeyHeader {
            count += 1
            found = (field.value, field.name == .authorization)
        }
        guard count <= 1 else { throw APIError.ambiguousCredentials }
        guard let (value, isBearer) = found, value.utf8.count <= maxCredentialLength else { throw APIError.unauthenticated }
        guard isBearer else { return HeaderText.trimmingSpaces(value[...]) }
        // `Bearer <token>`: the scheme compared byte by byte, ignoring ASCII case (no lower-cased copy per request).
        guard let space = value.firstIndex(of: " "), value[..<space].utf8.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else {
            throw APIError.unauthenticated
        }
        return HeaderText.trimmingSpaces(value[value.index(after: space)...])
    }

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    /// Spends one request of `bucket`; throws 429 when it is empty. nil when no limiter is configured.
    func limit(bucket: String, perMinute: Int) async throws -> RateLimitDecision? {
        guard let store = access.rateLimits, perMinute > 0 else { return nil }
        let decision = try await store.consume(bucket: "rpm:" + bucket, cost: 1, limit: perMinute, now: access.now())
        guard decision.allowed else { throw APIError.rateLimited(decision) }
        return decision
    }

    func checkMetricsToken(_ request: Request) throws {
        if access.metricsOpen { return }
        guard let token = access.metricsToken, let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            APIKeySecret.constantTimeEqual(String(header.dropFirst(7)), token)
        else { throw APIError.unauthenticated }
    }
}

public import ConciergeCore
public import Foundation
public import Hummingbird

/// `/admin/keys`: list, create, revoke and rotate API keys (admin only, see ``AccessPolicy/standard``).
public struct KeysAdminController: Sendable {
    let keys: any APIKeyStore
    let issuer: KeyIssuer
    let now: @Sendable () -> Date

    public init(keys: any APIKeyStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.keys = keys
        self.issuer = KeyIssuer(keys: keys, now: now)
        self.now = now
    }

    public func register(on router: Router<AppRequestContext>) {
        let group = router.group("/admin/keys")
        group.get { _, _ in try await self.list() }
        group.post { request, context in try await self.create(request, context: context) }
        group.post("/{id}/revoke") { _, context in try await self.revoke(context) }
        group.post("/{id}/rotate") { request, context in try await self.rotate(request, context: context) }
    }

    func list() async throws -> Response {
        let records = try await keys.listKeys()
        let now = now()
        return Self.json(KeysAdminDTO.KeyList(keys: records.map { KeysAdminDTO.Key($0, now: now) }))
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await JSONBodyDecoder.decode(KeysAdminDTO.Create.self, from: request, context: context)
        if let problem = KeyIssuer.validate(name: body.name, limits: body.limits) { throw APIError.badRequest(problem + ".") }
        let expiresAt = try body.expiresAt.map { text in
            guard let date = KeyDate.parse(text) else { throw APIError.badRequest("expires_at must be an ISO 8601 date or time.") }
            return date
        }
        let issued = try await issuer.create(name: body.name, role: body.role, limits: body.limits, expiresAt: expiresAt)
        return Self.json(KeysAdminDTO.Key(issued.record, now: now(), secret: issued.secret), status: .created)
    }

    func revoke(_ context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        guard try await keys.revokeKey(id: id, at: now()), let record = try await keys.key(id: id) else {
            throw APIError.notFound("Key \(id) does not exist.")
        }
        return Self.json(KeysAdminDTO.Key(record, now: now()))
    }

    func rotate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(context)
        let grace = try await Self.grace(request, context: context)
        do {
            let issued = try await issuer.rotate(id: id, grace: grace)
            return Self.json(KeysAdminDTO.Key(issued.record, now: now(), secret: issued.secret))
        } catch AccessError.keyNotFound {
            throw APIError.notFound("Key \(id) does not exist or is revoked.")
        }
    }

    /// The optional body `{"grace_seconds": N}`; an empty body means no grace.
    static func grace(_ request: Request, context: AppRequestContext) async throws -> TimeInterval {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return 0 }
        guard let body = try? JSONDecoder().decode(KeysAdminDTO.Rotate.self, from: Data(buffer.readableBytesView)) else {
            throw APIError.badRequest("The body must be a JSON object like {\"grace_seconds\": 3600}.", code: "invalid_json")
        }
        let grace = body.graceSeconds ?? 0
        guard grace.isFinite, (0...(30 * 86_400)).contains(grace) else { throw APIError.badRequest("grace_seconds must be from 0 to 2592000.") }
        return grace
    }

    static func id(_ context: AppRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), id.count == 8, id.allSatisfy(\.isHexDigit) else {
            throw APIError.notFound("No such key.")
        }
        return id
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

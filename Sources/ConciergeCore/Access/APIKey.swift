public import Foundation

/// Per-key limits; `nil` means the server's default (rate) or no limit (budget).
public struct KeyLimits: Sendable, Hashable, Codable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var budgetPerDay: MicroUSD?
    public var budgetPerMonth: MicroUSD?

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, budgetPerDay: MicroUSD? = nil, budgetPerMonth: MicroUSD? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.budgetPerDay = budgetPerDay
        self.budgetPerMonth = budgetPerMonth
    }
}

/// One API key as stored: never the secret, only its SHA-256 (hex). After a rotation the previous hash stays
/// valid until `previousHashExpiresAt`.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// The short public id, part of the presented key (`ck_<id>_<secret>`).
    public var id: String
    public var name: String
    public var role: Role
    public var secretHash: String
    public var previousSecretHash: String?
    public var previousHashExpiresAt: Date?
    public var limits: KeyLimits
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String, name: String, role: Role, secretHash: String, limits: KeyLimits = KeyLimits(), createdAt: Date,
        expiresAt: Date? = nil, revokedAt: Date? = nil, lastUsedAt: Date? = nil, previousSecretHash: String? = nil,
        previousHashExpiresAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.secretHash = secretHash
        self.limits = limits
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.previousSecretHash = previousSecretHash
        self.previousHashExpiresAt = previousHashExpiresAt
    }

    /// Neither revoked nor expired at `now`.
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}

/// The durable table of API keys (migration 5, `api_keys`).
public protocol APIKeyStore: Sendable {
    /// Throws ``AccessError/duplicateKey`` when the id exists.
    func createKey(_ record: APIKeyRecord) async throws
    func key(id: String) async throws -> APIKeyRecord?
    /// Oldest first.
    func listKeys() async throws -> [APIKeyRecord]
    /// Returns false when no such key exists.
    func revokeKey(id: String, at time: Date) async throws -> Bool
    /// Replaces the hash; the old one stays valid until `graceUntil` (nil: not at all). False when no active key.
    func rotateKey(id: String, newHash: String, graceUntil: Date?) async throws -> Bool
    /// Records a use; best effort.
    func touchKey(id: String, at time: Date) async throws
}

public import ConciergeCore
public import Foundation

/// Creates and rotates API keys; shared by `/admin/keys` and `concierge keys`.
public struct KeyIssuer: Sendable {
    public struct Issued: Sendable {
        public let record: APIKeyRecord
        /// The presented key. Shown once, never stored.
        public let secret: String
    }

    let keys: any APIKeyStore
    let now: @Sendable () -> Date

    public init(keys: any APIKeyStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.keys = keys
        self.now = now
    }

    /// Why a name or limit is refused, or nil.
    public static func validate(name: String, limits: KeyLimits) -> String? {
        if name.isEmpty || name.count > 200 { return "name must be 1 to 200 characters" }
        if let rpm = limits.requestsPerMinute, rpm < 1 { return "rpm must be at least 1" }
        if let tpm = limits.tokensPerMinute, tpm < 1 { return "tpm must be at least 1" }
        if let day = limits.budgetPerDay, day.value < 0 { return "budget_day_usd must not be negative" }
        if let month = limits.budgetPerMonth, month.value < 0 { return "budget_month_usd must not be negative" }
        return nil
    }

    public func create(name: String, role: Role, limits: KeyLimits, expiresAt: Date?) async throws -> Issued {
        for _ in 0..<5 {
            let secret = APIKeySecret.generate()
            let record = APIKeyRecord(
                id: secret.id, name: name, role: role, secretHash: secret.hash, limits: limits, createdAt: now(), expiresAt: expiresAt
            )
            do {
                try await keys.createKey(record)
                return Issued(record: record, secret: secret.value)
            } catch AccessError.duplicateKey {
                continue  // 1 in 4 billion per existing key: draw again
            }
        }
        throw AccessError.duplicateKey("five draws")
    }

    /// A new secret for key `id`; the old one keeps working for `grace` seconds (0: stops at once).
    public func rotate(id: String, grace: TimeInterval) async throws -> Issued {
        let secret = APIKeySecret.generate(id: id)
        let graceUntil = grace > 0 ? now().addingTimeInterval(grace) : nil
        guard try await keys.rotateKey(id: id, newHash: secret.hash, graceUntil: graceUntil), let record = try await keys.key(id: id) else {
            throw AccessError.keyNotFound(id)
        }
        return Issued(record: record, secret: secret.value)
    }
}

import ConciergeCore
import Foundation

/// JSON shapes of `/admin/keys`.
enum KeysAdminDTO {
    struct Create: Decodable {
        let name: String
        let role: Role
        let rpm: Int?
        let tpm: Int?
        let budgetDayUSD: Double?
        let budgetMonthUSD: Double?
        /// ISO 8601 (`2027-01-31T00:00:00Z`) or a date (`2027-01-31`, midnight UTC).
        let expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case name, role, rpm, tpm
            case budgetDayUSD = "budget_day_usd"
            case budgetMonthUSD = "budget_month_usd"
            case expiresAt = "expires_at"
        }

        var limits: KeyLimits {
            KeyLimits(
                requestsPerMinute: rpm, tokensPerMinute: tpm, budgetPerDay: budgetDayUSD.map { MicroUSD(usd: $0) },
                budgetPerMonth: budgetMonthUSD.map { MicroUSD(usd: $0) }
            )
        }
    }

    struct Rotate: Decodable {
        let graceSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case graceSeconds = "grace_seconds"
        }
    }

    /// A key as listed: never the secret nor its hash.
    struct Key: Encodable {
        let id: String
        let name: String
        let role: Role
        let rpm: Int?
        let tpm: Int?
        let budgetDayUSD: String?
        let budgetMonthUSD: String?
        let createdAt: Date
        let expiresAt: Date?
        let revokedAt: Date?
        let lastUsedAt: Date?
        let active: Bool
        /// Present only in the answer that creates or rotates the key.
        let secret: String?

        enum CodingKeys: String, CodingKey {
            case id, name, role, rpm, tpm, active, secret
            case budgetDayUSD = "budget_day_usd"
            case budgetMonthUSD = "budget_month_usd"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case revokedAt = "revoked_at"
            case lastUsedAt = "last_used_at"
        }

        init(_ record: APIKeyRecord, now: Date, secret: String? = nil) {
            id = record.id
            name = record.name
            role = record.role
            rpm = record.limits.requestsPerMinute
            tpm = record.limits.tokensPerMinute
            budgetDayUSD = record.limits.budgetPerDay?.description
            budgetMonthUSD = record.limits.budgetPerMonth?.description
            createdAt = record.createdAt
            expiresAt = record.expiresAt
            revokedAt = record.revokedAt
            lastUsedAt = record.lastUsedAt
            active = record.isActive(at: now)
            self.secret = secret
        }
    }

    struct KeyList: Encodable {
        let keys: [Key]
    }
}

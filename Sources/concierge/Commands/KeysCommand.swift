import ArgumentParser
import ConciergeCore
import ConciergeHTTP
import Foundation

/// `concierge keys …`: API keys, straight against the database.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list, revoke and rotate API keys.",
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self, KeysRotateCommand.self]
    )

    /// Runs `body` with the configured key store; prints one line and exits 1 on any error.
    static func withKeys<T: Sendable>(_ options: ConfigOptions, _ body: @escaping @Sendable (any APIKeyStore) async throws -> T) async throws -> T {
        let configuration = try await options.load()
        do {
            return try await StoreFactory.withStore(configuration, logger: LoggingBootstrap.quiet()) { store in
                guard try await store.appliedMigrations().contains(where: { $0.version == 5 }), let keys = store as? any APIKeyStore else {
                    throw KeysCommandError(message: "the key table does not exist yet: run `concierge migrate` first")
                }
                return try await body(keys)
            }
        } catch let error as KeysCommandError {
            printError(error.message)
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch {
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
    }

    /// Records a command-line key action in the audit log, best effort.
    static func audit(_ keys: any APIKeyStore, action: String, target: String) async {
        guard let log = keys as? any AuditLog else { return }
        try? await log.append(AuditEvent(time: Date(), actor: "cli", action: action, target: target, outcome: "ok", clientIP: nil, requestID: nil))
    }

    static func line(_ key: APIKeyRecord, now: Date) -> String {
        let limits = [
            key.limits.requestsPerMinute.map { "rpm=\($0)" }, key.limits.tokensPerMinute.map { "tpm=\($0)" },
            key.limits.budgetPerDay.map { "day=$\($0)" }, key.limits.budgetPerMonth.map { "month=$\($0)" },
        ].compactMap { $0 }.joined(separator: ",")
        let state = key.revokedAt != nil ? "revoked" : key.isActive(at: now) ? "active" : "expired"
        return JobsCommand.pad(key.id, 10) + JobsCommand.pad(key.name, 24) + JobsCommand.pad(key.role.rawValue, 9)
            + JobsCommand.pad(state, 9) + JobsCommand.pad(limits.isEmpty ? "-" : limits, 36)
            + JobsCommand.pad(JobsCommand.iso(key.createdAt), 26) + (key.lastUsedAt.map(JobsCommand.iso) ?? "never")
    }
}

struct KeysCommandError: Error {
    let message: String
}

struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a key. Its secret is printed once, alone on the last line."
    )
    @OptionGroup var options: ConfigOptions
    @Option(help: "A name for people (who or what uses the key).") var name: String
    @Option(help: "user, analyst or admin.") var role: String
    @Option(help: "Requests per minute (default: CONCIERGE_RATE_LIMIT_RPM).") var rpm: Int?
    @Option(help: "Model tokens per minute.") var tpm: Int?
    @Option(name: .customLong("budget-day"), help: "Daily budget in USD.") var budgetDay: Double?
    @Option(name: .customLong("budget-month"), help: "Monthly budget in USD.") var budgetMonth: Double?
    @Option(help: "Expiry: an ISO 8601 date (midnight UTC) or time.") var expires: String?

    func run() async throws {
        let limits = KeyLimits(
            requestsPerMinute: rpm, tokensPerMinute: tpm, budgetPerDay: budgetDay.map { MicroUSD(usd: $0) },
            budgetPerMonth: budgetMonth.map { MicroUSD(usd: $0) }
        )
        if let problem = KeyIssuer.validate(name: name, limits: limits) { throw ValidationError(problem) }
        guard let role = Role(rawValue: role) else { throw ValidationError("--role must be user, analyst or admin") }
        let expiresAt = try expires.map { text in
            guard let date = KeyDate.parse(text) else { throw ValidationError("--expires must be an ISO 8601 date or time") }
            return date
        }
        let name = name
        let issued = try await KeysCommand.withKeys(options) { keys in
            let issued = try await KeyIssuer(keys: keys).create(name: name, role: role, limits: limits, expiresAt: expiresAt)
            await KeysCommand.audit(keys, action: "keys.create", target: issued.record.id)
            return issued
        }
        print("Created key \(issued.record.id) (\(issued.record.role.rawValue)). The secret is shown once; store it now:")
        print(issued.secret)
    }
}

struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let keys = try await KeysCommand.withKeys(options) { try await $0.listKeys() }
        let now = Date()
        print(JobsCommand.pad("ID", 10) + JobsCommand.pad("NAME", 24) + JobsCommand.pad("ROLE", 9) + JobsCommand.pad("STATE", 9)
            + JobsCommand.pad("LIMITS", 36) + JobsCommand.pad("CREATED", 26) + "LAST_USED")
        for key in keys { print(KeysCommand.line(key, now: now)) }
    }
}

struct KeyIDArgument: ParsableArguments {
    @Argument(help: "The key id (8 hex digits, as `keys list` shows).") var id: String
}

struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key at once.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var key: KeyIDArgument

    func run() async throws {
        let id = key.id
        let revoked = try await KeysCommand.withKeys(options) { keys in
            let revoked = try await keys.revokeKey(id: id, at: Date())
            if revoked { await KeysCommand.audit(keys, action: "keys.revoke", target: id) }
            return revoked
        }
        guard revoked else {
            printError("key \(id) does not exist")
            throw ExitCode(1)
        }
        print("Revoked key \(id).")
    }
}

struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Give a key a new secret, printed once on the last line."
    )
    @OptionGroup var options: ConfigOptions
    @OptionGroup var key: KeyIDArgument
    @Option(name: .customLong("grace-seconds"), help: "How long the old secret keeps working (default 0).") var graceSeconds: Double = 0

    func run() async throws {
        guard graceSeconds.isFinite, (0...(30 * 86_400)).contains(graceSeconds) else {
            throw ValidationError("--grace-seconds must be from 0 to 2592000")
        }
        let (id, grace) = (key.id, graceSeconds)
        let issued = try await KeysCommand.withKeys(options) { keys in
            do {
                let issued = try await KeyIssuer(keys: keys).rotate(id: id, grace: grace)
                await KeysCommand.audit(keys, action: "keys.rotate", target: id)
                return issued
            } catch AccessError.keyNotFound {
                throw KeysCommandError(message: "key \(id) does not exist or is revoked")
            }
        }
        print("Rotated key \(issued.record.id). The new secret is shown once; store it now:")
        print(issued.secret)
    }
}

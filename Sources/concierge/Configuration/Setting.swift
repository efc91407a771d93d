/// One documented setting: where it is read from and how it is checked. `docs/configuration.md` lists them all
/// (a test keeps the two in step).
struct Setting: Sendable {
    /// Dotted key in the config file (`server.port`).
    let key: String
    /// Environment variable (`CONCIERGE_PORT`).
    let environment: String
    /// Command-line flag of `serve`, `migrate` and `check-config`, if any (`--port`).
    let flag: String?
    /// The default, as documented.
    let defaultValue: String
    let isSecret: Bool
    /// Parses the raw text into the configuration, or returns why it is wrong.
    let apply: @Sendable (String, inout AppConfiguration) -> String?

    init(
        _ key: String, env: String, flag: String? = nil, default defaultValue: String, secret: Bool = false,
        apply: @escaping @Sendable (String, inout AppConfiguration) -> String?
    ) {
        self.key = key
        self.environment = env
        self.flag = flag
        self.defaultValue = defaultValue
        self.isSecret = secret
        self.apply = apply
    }
}

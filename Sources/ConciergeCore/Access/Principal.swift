/// Who is calling, once authenticated.
public struct Principal: Sendable, Hashable {
    /// The key id, or `jwt:<sub>` for a token user, or `local` when authentication is off.
    public var id: String
    public var name: String
    public var role: Role
    public var limits: KeyLimits

    public init(id: String, name: String, role: Role, limits: KeyLimits = KeyLimits()) {
        self.id = id
        self.name = name
        self.role = role
        self.limits = limits
    }

    /// Authentication is off (loopback only): the local operator, with every right.
    public static let local = Principal(id: "local", name: "local", role: .admin)
}

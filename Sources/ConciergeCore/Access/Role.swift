/// What a caller may do. Ordered: every role may do what the roles before it may.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Its own tasks and usage, and the model gateway.
    case user
    /// Reads everything, costs included.
    case analyst
    /// Everything, keys and queues included.
    case admin

    private var rank: Int {
        switch self {
        case .user: 0
        case .analyst: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

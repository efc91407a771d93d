/// Errors raised by the stores. Messages are safe to show operators: they never carry credentials.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database was migrated by a newer binary; it is left untouched.
    case schemaTooNew(found: Int, known: Int)
    /// The database could not be reached or opened.
    case unavailable(String)
    /// `DATABASE_URL` (or the data directory) is not usable.
    case invalidConfiguration(String)
    /// A record was not found.
    case notFound(String)
    /// The store was closed.
    case closed

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let known):
            "database schema version \(found) is newer than this binary knows (\(known)); refusing to use or modify it: upgrade concierge"
        case .unavailable(let reason): "database unavailable: \(reason)"
        case .invalidConfiguration(let reason): "invalid database configuration: \(reason)"
        case .notFound(let what): "not found: \(what)"
        case .closed: "store is closed"
        }
    }

    /// A one-line description of any error from a store, with no connection details.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.description }
        if let error = error as? any StoreDescribableError { return error.storeDescription }
        return String(describing: type(of: error))
    }
}

/// Lets a backend turn its driver's errors into a short, credential-free line.
public protocol StoreDescribableError: Error {
    var storeDescription: String { get }
}

/// Failures of the access-control stores.
public enum AccessError: Error, Sendable, Equatable {
    case duplicateKey(String)
    case keyNotFound(String)
}

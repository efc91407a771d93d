/// Errors of the job queue. Messages are safe to show operators and clients.
public struct JobsError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String { case invalidRequest = "invalid_request", notFound = "not_found", conflict }
        private let value: Value
        public static let invalidRequest = Code(value: .invalidRequest)
        public static let notFound = Code(value: .notFound)
        /// The job is in a state that does not allow the operation (retrying a running job, cancelling a finished one).
        public static let conflict = Code(value: .conflict)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public static func invalidRequest(_ message: String) -> Self { .init(code: .invalidRequest, message: message) }
    public static func notFound(_ id: JobID) -> Self { .init(code: .notFound, message: "job \(id) does not exist") }
    public static func conflict(_ message: String) -> Self { .init(code: .conflict, message: message) }

    public var description: String { message }
}

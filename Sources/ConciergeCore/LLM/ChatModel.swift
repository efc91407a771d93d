/// Anything that answers chat requests: one provider client, or the router in front of many.
public protocol ChatModel: Sendable {
    /// Runs the call to completion.
    func complete(_ request: ChatRequest) async throws -> ChatResponse

    /// Runs a streamed call, handing each event to `onEvent` as it arrives, and returns when the provider ended the
    /// stream cleanly. A stream that breaks or reports an error throws ``LLMError``; it never just ends.
    /// An error thrown by `onEvent` (the caller went away) stops the upstream call at once and is rethrown unchanged.
    func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws

    /// The same stream, but the events that arrived together (one read from the provider) are handed over together,
    /// in order, so that a relay can write them with one write. Never an empty batch.
    func streamBatches(_ request: ChatRequest, onEvents: ([ChatStreamEvent]) async throws -> Void) async throws
}

extension ChatModel {
    /// One event per batch, for models that do not know which events arrived together.
    public func streamBatches(_ request: ChatRequest, onEvents: ([ChatStreamEvent]) async throws -> Void) async throws {
        try await stream(request) { event in try await onEvents([event]) }
    }
}

/// Turns text into vectors.
public protocol EmbeddingModel: Sendable {
    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse
}

public struct EmbeddingRequest: Sendable, Hashable {
    public var model: String
    public var inputs: [String]
    public var dimensions: Int?
    public var user: String?
    public var attribution: CallAttribution

    public init(model: String = "default", inputs: [String], dimensions: Int? = nil, user: String? = nil, attribution: CallAttribution = .init()) {
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.user = user
        self.attribution = attribution
    }
}

public struct EmbeddingResponse: Sendable, Hashable {
    public var model: String
    /// One vector per input, in input order.
    public var vectors: [[Float]]
    public var usage: TokenUsage?

    public init(model: String, vectors: [[Float]], usage: TokenUsage?) {
        self.model = model
        self.vectors = vectors
        self.usage = usage
    }
}

/// The aliases and deployments a gateway offers, for `GET /v1/models`.
public protocol ModelCatalog: Sendable {
    var modelListings: [ModelListing] { get }
    /// True when `id` is one of ``modelListings``; asked on every gateway call, so a catalog answers it from a table.
    func lists(_ id: String) -> Bool
}

extension ModelCatalog {
    public func lists(_ id: String) -> Bool {
        modelListings.contains { $0.id == id }
    }
}

public struct ModelListing: Sendable, Hashable {
    public enum Kind: String, Sendable { case alias, deployment }
    public var id: String
    public var kind: Kind
    /// For an alias, its chain of deployments; for a deployment, its provider kind and model.
    public var detail: [String]

    public init(id: String, kind: Kind, detail: [String]) {
        self.id = id
        self.kind = kind
        self.detail = detail
    }
}

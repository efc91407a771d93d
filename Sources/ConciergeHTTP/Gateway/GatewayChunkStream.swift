import ConciergeCore
import NIOCore

/// The chunks of one streamed answer, written as SSE events (`data: {…}\n\n`) as its events arrive: the same bytes as
/// ``GatewayChunk/writeSSE(_:to:)`` for each event's ``GatewayChunk/chunk(for:id:created:model:includeUsage:)``.
/// What every chunk shares (`data: {"id":…,"object":…,"created":…,"model":…,"choices":[`) is written once, and again
/// only when the provider names its model, instead of escaping the id and model and printing the time per chunk.
struct GatewayChunkStream {
    let id: String
    let created: Int
    let includeUsage: Bool
    /// The model the chunks name: the alias asked for until the provider's first event names its own.
    private(set) var model: String
    private var head: ByteBuffer

    init(id: String, created: Int, model: String, includeUsage: Bool) {
        self.id = id
        self.created = created
        self.includeUsage = includeUsage
        self.model = model
        self.head = Self.head(id: id, created: created, model: model)
    }

    static func head(id: String, created: Int, model: String) -> ByteBuffer {
        var json = GatewayJSONWriter()
        json.raw("data: ")
        GatewayChunk.writeHead(id: id, created: created, model: model, to: &json)
        return json.buffer
    }

    /// Appends the chunks of `events` to `buffer`; true when one of them is the finish.
    mutating func write(_ events: [ChatStreamEvent], to buffer: inout ByteBuffer) -> Bool {
        var finishes = false
        for event in events {
            if case .finished = event { finishes = true }
            write(event, to: &buffer)
        }
        return finishes
    }

    /// Appends `event`'s chunk, when it has one, to `buffer`.
    mutating func write(_ event: ChatStreamEvent, to buffer: inout ByteBuffer) {
        if case .started(_, let upstreamModel, _) = event, upstreamModel != model {
            model = upstreamModel
            head = Self.head(id: id, created: created, model: model)
        }
        guard let parts = GatewayChunk.parts(for: event, includeUsage: includeUsage) else { return }
        var json = GatewayJSONWriter(into: buffer)
        buffer = ByteBuffer()  // one owner of the storage while it is written, so no copy
        json.buffer.writeImmutableBuffer(head)
        parts.choice?.write(to: &json)
        GatewayChunk.writeTail(usage: parts.usage, to: &json)
        json.raw("\n\n")
        buffer = json.buffer
    }
}

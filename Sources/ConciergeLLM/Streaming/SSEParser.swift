/// One server-sent event.
public struct SSEEvent: Sendable, Hashable {
    public var event: String?
    public var data: String
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// One server-sent event as it completes, its data borrowed from the parser: valid only inside the callback that
/// receives it. The data stays bytes until something asks for text, so a reader that parses the bytes itself (a
/// Chat Completions chunk) makes no string per event.
public struct SSEEventView {
    public let event: String?
    public let id: String?
    /// The data lines' bytes, joined by `\n`.
    public let data: UnsafeRawBufferPointer

    /// The event with its data as text (invalid UTF-8 repaired), to keep.
    public var decoded: SSEEvent { SSEEvent(event: event, data: text, id: id) }

    /// The data as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// Whether the data is exactly `expected` (`[DONE]`).
    public func dataIs(_ expected: StaticString) -> Bool {
        expected.withUTF8Buffer { data.elementsEqual($0) }
    }
}

/// An incremental `text/event-stream` parser (WHATWG HTML § 9.2.6): feed it bytes as they arrive, in chunks
/// split anywhere (inside a line, between `\r` and `\n`, inside a multi-byte character), and it returns the
/// events completed so far. Comment lines (`: keep-alive`) are ignored.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var sawCarriageReturn = false
    private var eventType: String?
    /// The event's data lines so far, joined by `\n` (reused from event to event).
    private var data: [UInt8] = []
    private var hasData = false
    private var lastEventID: String?

    public init() {
        line.reserveCapacity(512)  // a usual chunk's line, without regrowing from empty
        data.reserveCapacity(512)
    }

    /// Parses more bytes; returns every event they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        Array(bytes).withUnsafeBytes { feed($0) { events.append($0.decoded) } }
        return events
    }

    /// Parses more bytes, handing each event they complete to `onEvent` as it completes (no array per read). Each
    /// line's run up to its `\r` or `\n` is found by a scan and copied in one piece, not byte by byte.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEvent: (SSEEventView) throws -> Void) rethrows {
        let lineFeed = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var index = 0
        while index < bytes.count {
            if sawCarriageReturn {
                sawCarriageReturn = false
                if bytes[index] == lineFeed {  // the \n of a \r\n pair
                    index += 1
                    continue
                }
            }
            var end = index
            while end < bytes.count, bytes[end] != lineFeed, bytes[end] != carriageReturn { end += 1 }
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
            guard end < bytes.count else { return }
            sawCarriageReturn = bytes[end] == carriageReturn
            try endLine(onEvent)
            index = end + 1
        }
    }

    /// True when bytes of an unfinished event are buffered: an end of input now means the stream was cut off.
    public var hasPendingEvent: Bool { hasData || !line.isEmpty }

    /// One field line, read from its bytes: only the value becomes a string (a field name is ASCII, and `:` never
    /// occurs inside a multi-byte character, so splitting the bytes at the first colon splits the text there).
    private mutating func endLine(_ onEvent: (SSEEventView) throws -> Void) rethrows {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            try dispatch(onEvent)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var valueStart = min(colon + 1, line.endIndex)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = line[..<colon]
        let value = line[valueStart...]
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        }
        // `retry` and unknown fields are ignored.
    }

    private mutating func dispatch(_ onEvent: (SSEEventView) throws -> Void) rethrows {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
        }
        guard hasData else { return }
        let (event, id) = (eventType, lastEventID)
        try data.withUnsafeBytes { try onEvent(SSEEventView(event: event, id: id, data: $0)) }
    }
}

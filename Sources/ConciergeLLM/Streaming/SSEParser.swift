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

/// An incremental `text/event-stream` parser (WHATWG HTML § 9.2.6): feed it bytes as they arrive, in chunks
/// split anywhere (inside a line, between `\r` and `\n`, inside a multi-byte character), and it returns the
/// events completed so far. Comment lines (`: keep-alive`) are ignored.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var sawCarriageReturn = false
    private var eventType: String?
    private var dataLines: [String] = []
    private var hasData = false
    private var lastEventID: String?

    public init() {}

    /// Parses more bytes; returns every event they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if sawCarriageReturn {
                    sawCarriageReturn = false  // the \n of a \r\n pair
                } else {
                    endLine(into: &events)
                }
            case UInt8(ascii: "\r"):
                sawCarriageReturn = true
                endLine(into: &events)
            default:
                sawCarriageReturn = false
                line.append(byte)
            }
        }
        return events
    }

    /// True when bytes of an unfinished event are buffered: an end of input now means the stream was cut off.
    public var hasPendingEvent: Bool { hasData || !line.isEmpty }

    /// One field line, read from its bytes: only the value becomes a string (a field name is ASCII, and `:` never
    /// occurs inside a multi-byte character, so splitting the bytes at the first colon splits the text there).
    private mutating func endLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var valueStart = min(colon + 1, line.endIndex)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = line[..<colon]
        let value = line[valueStart...]
        if field.elementsEqual("data".utf8) {
            dataLines.append(String(decoding: value, as: UTF8.self))
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        }
        // `retry` and unknown fields are ignored.
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
        }
        guard hasData else { return }
        let data = dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")
        events.append(SSEEvent(event: eventType, data: data, id: lastEventID))
    }
}

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

    private mutating func endLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "data":
            dataLines.append(String(value))
            hasData = true
        case "event":
            eventType = String(value)
        case "id":
            if !value.contains("\0") { lastEventID = String(value) }
        default:
            break  // `retry` and unknown fields
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
        }
        guard hasData else { return }
        events.append(SSEEvent(event: eventType, data: dataLines.joined(separator: "\n"), id: lastEventID))
    }
}

import Foundation
public import Logging

/// swift-log handler writing one JSON object per line (or a readable line in text mode):
/// `timestamp` (ISO-8601 UTC), `level`, `service`, `message`, `request_id` when known, then metadata.
/// A value type, as swift-log requires: copies carry their own level and metadata.
public struct JSONLogHandler: LogHandler {
    public enum Format: Sendable {
        case json, text
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    /// The two per-request ids, set on every request's logger, are kept out of `metadata`: each change to a dictionary
    /// shared with the logger it was copied from copies it, and these two are set on every call.
    private var requestID: Logger.Metadata.Value?
    private var frameworkRequestID: Logger.Metadata.Value?
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let service: String
    let format: Format
    let output: LogOutput

    public init(label: String, service: String = "concierge", level: Logger.Level, format: Format, output: LogOutput = .standardOutput) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.format = format
        self.output = output
    }

    /// Concierge's id for each request, written as `request_id`.
    static let requestIDKey = "request.id"
    /// Hummingbird's id for each request, which Concierge's `request_id` replaces: kept (Hummingbird reads it back
    /// as `context.id`), never written.
    static let frameworkRequestIDKey = "hb.request.id"

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get {
            switch key {
            case Self.requestIDKey: requestID
            case Self.frameworkRequestIDKey: frameworkRequestID
            default: metadata[key]
            }
        }
        set {
            switch key {
            case Self.requestIDKey: requestID = newValue
            case Self.frameworkRequestIDKey: frameworkRequestID = newValue
            default: metadata[key] = newValue
            }
        }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        let provided = metadataProvider?.get() ?? [:]
        let extra = event.metadata ?? [:]
        if merged.isEmpty && provided.isEmpty {
            merged = extra  // the usual line: only the event's own keys, shared rather than copied
        } else {
            // Room for the other keys up front: one copy of the handler's metadata, not a copy and then regrowths.
            merged.reserveCapacity(metadata.count + provided.count + extra.count)
            merged.merge(provided) { _, new in new }
            merged.merge(extra) { _, new in new }
        }
        // A `request.id` passed with the event or by a provider (or set through `metadata`) wins over the logger's.
        let requestID = merged.removeValue(forKey: Self.requestIDKey) ?? self.requestID
        merged.removeValue(forKey: Self.frameworkRequestIDKey)
        let timestamp = ISO8601Text.now()
        switch format {
        case .json:
            output.write(jsonLine(timestamp: timestamp, event: event, requestID: requestID, metadata: merged))
        case .text:
            output.write(textLine(timestamp: timestamp, event: event, requestID: requestID, metadata: merged))
        }
    }

    func jsonLine(timestamp: String, event: LogEvent, requestID: Logger.Metadata.Value?, metadata: Logger.Metadata) -> String {
        var line = ""
        line.reserveCapacity(320)  // an access-log line is about 250 bytes: written without regrowing
        line += "{\"timestamp\":\"\(timestamp)\",\"level\":\"\(event.level.rawValue)\",\"service\":"
        JSONText.appendString(service, to: &line)
        line += ",\"message\":"
        JSONText.appendString(SecretScrubber.scrub(event.message.description), to: &line)
        if let requestID {
            line += ",\"request_id\":"
            JSONText.append(requestID, to: &line)
        }
        line += ",\"logger\":"
        JSONText.appendString(label, to: &line)
        for key in metadata.keys.sorted() {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            JSONText.append(metadata[key]!, to: &line)
        }
        line += "}"
        return line
    }

    func textLine(timestamp: String, event: LogEvent, requestID: Logger.Metadata.Value?, metadata: Logger.Metadata) -> String {
        var line = "\(timestamp) \(event.level.rawValue.uppercased()) \(SecretScrubber.scrub(event.message.description))"
        if let requestID { line += " request_id=\(requestID)" }
        for key in metadata.keys.sorted() {
            line += " \(key)=\(SecretScrubber.scrub(metadata[key]!.description))"
        }
        return line
    }
}

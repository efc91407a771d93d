import ConciergeCore

/// Reading JSON out of what a model wrote: code fences and prose around the object are tolerated.
enum ModelJSON {
    static func object(in content: String?) -> JSONValue? {
        guard let content, let start = content.firstIndex(of: "{"), let end = content.lastIndex(of: "}"), start < end else { return nil }
        return JSONValue(jsonText: String(content[start...end]))
    }
}

extension JSONValue {
    /// A Chat Completions tool call, `{"id":…,"type":…,"function":{"name":…,"arguments":…}}` (`type` left out when
    /// nil), written by hand for the hot paths that send one: the provider request and the gateway's answer.
    public static func writeToolCall(id: String, type: String?, name: String, arguments: String, into bytes: inout [UInt8]) {
        func raw(_ text: StaticString) { text.withUTF8Buffer { bytes.append(contentsOf: $0) } }
        func string(_ value: String) { writeString(value) { bytes.append(contentsOf: $0) } }
        raw(#"{"id":"#)
        string(id)
        if let type {
            raw(#","type":"#)
            string(type)
        }
        raw(#","function":{"name":"#)
        string(name)
        raw(#","arguments":"#)
        string(arguments)
        raw("}}")
    }
}

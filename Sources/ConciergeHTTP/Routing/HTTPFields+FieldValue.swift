public import HTTPTypes

extension HTTPFields {
    /// The same value as `self[name]` (repeated fields joined the standard way), found by one pass over the fields:
    /// the subscript builds the fields' name index and joins through a lazy sequence, which cost 2–3 µs per gateway
    /// call for its few header reads.
    public func fieldValue(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }  // repeated: the subscript's joined form
            found = field.value
        }
        return found
    }
}

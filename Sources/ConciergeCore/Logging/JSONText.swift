/// Minimal, allocation-light JSON writing for log lines.
enum JSONText {
    static func appendString(_ value: String, to line: inout String) {
        line.append("\"")
        // Most values need no escape: one append instead of one per scalar.
        if !value.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
            line.append(value)
            line.append("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": line.append("\\\"")
            case "\\": line.append("\\\\")
            case "\n": line.append("\\n")
            case "\r": line.append("\\r")
            case "\t": line.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                line.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line.append("\"")
    }

    static func append(_ value: LoggerMetadataValue, to line: inout String) {
        switch value {
        case .string(let string): appendString(SecretScrubber.scrub(string), to: &line)
        case .stringConvertible(let convertible):
            // The access log's status, byte count and duration: a cast to the concrete type is cheap, the
            // `any Numeric` conformance lookup below is not. Same text as the general path.
            if let int = convertible as? Int {
                line.append(String(int))
                return
            }
            if let double = convertible as? Double {
                if double.isFinite { line.append(double.description) } else { appendString(SecretScrubber.scrub(double.description), to: &line) }
                return
            }
            let text = convertible.description
            if convertible is any Numeric, Double(text)?.isFinite == true { line.append(text) } else { appendString(SecretScrubber.scrub(text), to: &line) }
        case .array(let values):
            line.append("[")
            for (index, element) in values.enumerated() {
                if index > 0 { line.append(",") }
                append(element, to: &line)
            }
            line.append("]")
        case .dictionary(let dictionary):
            line.append("{")
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line.append(",") }
                appendString(key, to: &line)
                line.append(":")
                append(dictionary[key]!, to: &line)
            }
            line.append("}")
        }
    }
}

import Logging

typealias LoggerMetadataValue = Logger.Metadata.Value

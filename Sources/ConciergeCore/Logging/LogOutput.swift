import Foundation
import Synchronization

/// Where log lines go: standard output, or memory for tests. Writes whole lines under one lock so
/// concurrent lines never interleave.
public final class LogOutput: Sendable {
    private enum Sink {
        case standardOutput
        case memory([String])
    }

    private let sink: Mutex<Sink>

    private init(_ sink: Sink) {
        self.sink = Mutex(sink)
    }

    public static let standardOutput = LogOutput(.standardOutput)

    /// An output that keeps every line, for tests.
    public static func capture() -> LogOutput { LogOutput(.memory([])) }

    /// The captured lines (empty for standard output).
    public var lines: [String] {
        sink.withLock { if case .memory(let lines) = $0 { return lines } else { return [] } }
    }

    func write(_ line: String) {
        sink.withLock { sink in
            switch sink {
            case .standardOutput:
                var line = line
                line.append("\n")
                line.withUTF8 { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                        if written <= 0 { break }
                        offset += written
                    }
                }
            case .memory(var lines):
                lines.append(line)
                sink = .memory(lines)
            }
        }
    }
}

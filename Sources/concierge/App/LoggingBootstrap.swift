import ConciergeCore
import Logging

/// The one place that installs the process-wide log handler.
enum LoggingBootstrap {
    static func bootstrap(_ configuration: AppConfiguration) -> Logger {
        let format: JSONLogHandler.Format = configuration.logFormat == .json ? .json : .text
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: level, format: format)
        }
        return Logger(label: "concierge")
    }

    /// A logger that only reports errors, for one-shot checks.
    static func quiet() -> Logger {
        Logger(label: "concierge") { label in JSONLogHandler(label: label, level: .critical, format: .text) }
    }
}

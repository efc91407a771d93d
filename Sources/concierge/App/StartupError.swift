import ConciergeCore

/// One line for an error that stops a command, with no credentials in it.
enum StartupError {
    static func describe(_ error: any Error) -> String {
        SecretScrubber.scrub(StoreError.describe(error))
    }
}

public import Foundation

/// The real `concierge` binary run as a child process, for tests of process behaviour (signals, crashes, CLI).
public final class ConciergeProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable; this wrapper only reads it after `run()` and from one test at a time.
    public let process: Process
    public let outputPath: String
    public let errorPath: String

    /// The built binary: beside the test bundle, or `CONCIERGE_BIN`.
    public static var binaryPath: String {
        if let explicit = ProcessInfo.processInfo.environment["CONCIERGE_BIN"] { return explicit }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // macOS-style bundles nest the runner deeper; walk up until the binary is found.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("concierge").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("concierge").path
    }

    /// Starts `concierge <arguments>` with `environment` added to a minimal environment; with a `launcher`
    /// (`["/usr/bin/taskset", "-c", "0"]`), starts `launcher… concierge <arguments>`.
    public init(_ arguments: [String], environment: [String: String], directory: String, launcher: [String] = []) throws {
        process = Process()
        if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = launcher.dropFirst() + [Self.binaryPath] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binaryPath)
            process.arguments = arguments
        }
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory]
        // A test run may force how every child lays out its threads (CONCIERGE_EXECUTOR=event-loop swift test …).
        if let executor = ProcessInfo.processInfo.environment["CONCIERGE_EXECUTOR"] { env["CONCIERGE_EXECUTOR"] = executor }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let name = UUID().uuidString.prefix(8)
        outputPath = "\(directory)/stdout-\(name).log"
        errorPath = "\(directory)/stderr-\(name).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Runs a command to completion and returns its exit status and output.
    public static func run(
        _ arguments: [String], environment: [String: String], directory: String, timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ConciergeProcess(arguments, environment: environment, directory: directory)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.kill(SIGKILL)
            throw ConciergeProcessError.timedOut(arguments.joined(separator: " "))
        }
        return (status, child.output, child.errorOutput)
    }

    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    public var errorOutput: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Standard output's lines parsed as JSON objects (the log), skipping anything else.
    public var logLines: [[String: Any]] {
        output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Waits for the "Serving" log line and returns the bound port.
    public func waitUntilServing(timeout: Duration = .seconds(60)) async throws -> Int {
        var port: Int?
        _ = await eventually(timeout: timeout, every: .milliseconds(25)) {
            if !process.isRunning { return true }
            port = logLines.first { ($0["message"] as? String) == "Serving" }
                .flatMap { $0["http.address"] as? String }
                .flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
            return port != nil
        }
        guard let port else { throw ConciergeProcessError.didNotStart(output: output + errorOutput) }
        return port
    }

    public func signal(_ signal: Int32) {
        Foundation.kill(process.processIdentifier, signal)
    }

    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// The exit status once the process ends, or nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let ended = await eventually(timeout: timeout, every: .milliseconds(20)) { !process.isRunning }
        return ended ? process.terminationStatus : nil
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

public enum ConciergeProcessError: Error, CustomStringConvertible {
    case didNotStart(output: String)
    case timedOut(String)

    public var description: String {
        switch self {
        case .didNotStart(let output): "concierge did not start serving; output:\n\(output)"
        case .timedOut(let command): "concierge \(command) did not finish in time"
        }
    }
}

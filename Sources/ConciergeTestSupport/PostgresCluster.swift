import Foundation
import Testing

/// A private PostgreSQL cluster that a test can stop and start (via `scripts/pg-cluster`), for outage tests.
public final class PostgresCluster: Sendable {
    public let directory: String
    public let port: Int
    public let url: String

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-cluster").path
    }

    /// Starts a new cluster on a free port, or skips the test where PostgreSQL is not available (fails under CI).
    public init() async throws {
        _ = try TestPostgres.requireURL()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString.prefix(8))").path
        port = Int.random(in: 56000...59000)
        url = try await Self.run(["start", directory, String(port)]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func stop() async throws {
        _ = try await Self.run(["stop", directory])
    }

    public func start() async throws {
        _ = try await Self.run(["start", directory, String(port)])
    }

    /// Stops the cluster and removes its files.
    public func destroy() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: directory + ".initdb.log")
        try? FileManager.default.removeItem(atPath: directory + ".pg_ctl.log")
    }

    @discardableResult
    static func run(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        // Output goes to a file, not a pipe, so a daemon holding the descriptor cannot block us.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Poll rather than `waitUntilExit()`, which spins a run loop and must not block a cooperative thread.
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else { throw PostgresClusterError.failed(arguments.joined(separator: " "), text) }
        return text
    }
}

public enum PostgresClusterError: Error {
    case failed(String, String)
}

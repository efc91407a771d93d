@testable import concierge
import ConciergeCore
import ConciergeHTTP
import ConciergeTestSupport
import HTTPTypes
import Foundation
import Logging
import Prometheus
import Testing
import Yams

/// The OpenAPI document tells the truth: its paths are exactly the router's routes, and errors share one schema.
@Suite struct OpenAPITests {
    static func document() throws -> [String: Any] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/ConciergeHTTP/Resources/openapi.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// Every (method, path) of the production router, built as `serve` builds it.
    static func productionRoutes() async throws -> Set<String> {
        try await TemporaryDirectory.with { directory in
            var configuration = AppConfiguration()
            configuration.dataDirectory = directory
            let server = ConciergeServer(configuration: configuration, logger: Logger(label: "test"), registry: PrometheusCollectorRegistry())
            let assembly = try await server.assemble(signals: false)
            await assembly.close(logger: .quiet)
            return Set(assembly.routes.routes.map { "\($0.method.rawValue) \($0.path)" })
        }
    }

    @Test func documentPathsMatchTheRouter() async throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let served = try await Self.productionRoutes()
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }

    @Test func errorSchemaMatchesTheRenderedErrors() throws {
        let components = try #require(try Self.document()["components"] as? [String: Any])
        let error = try #require((components["schemas"] as? [String: Any])?["Error"] as? [String: Any])
        let inner = try #require((error["properties"] as? [String: Any])?["error"] as? [String: Any])
        #expect(Set(inner["required"] as? [String] ?? []) == ["code", "message", "request_id"])
        // Every documented 4xx/5xx response refers to the Error schema.
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: Any])
        for (path, item) in paths {
            for (method, operation) in item as? [String: Any] ?? [:] {
                for (status, response) in (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:] where status.first == "4" || status.first == "5" {
                    let text = "\(response)"
                    let usesError = text.contains("#/components/schemas/Error") || text.contains("#/components/responses/")
                        || text.contains("Readiness") || text.contains("OpenAIError")
                    #expect(usesError, "\(method.uppercased()) \(path) \(status) does not use the Error schema")
                }
            }
        }
    }

    @Test func documentIsServed() async throws {
        #expect(OpenAPIController.document?.hasPrefix("openapi: 3.1.0") == true)
    }
}

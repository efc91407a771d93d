import ConciergeHTTP
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@Suite struct MetricsTests {
    @Test func requestsAreCountedByRouteTemplate() async throws {
        let deps = HTTPDependencies.test()
        try await Application(router: buildRouter(deps, extraRoutes: addTestRoutes)).test(.router) { client in
            _ = try await client.execute(uri: "/health", method: .get)
            _ = try await client.execute(uri: "/health", method: .get)
            _ = try await client.execute(uri: "/test/things/secret-id-4711", method: .get)
            _ = try await client.execute(uri: "/raw/path/7c1f", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.body.text
            #expect(text.contains(#"concierge_http_requests_total{method="GET",route="/health",status="200"} 2"#))
            #expect(text.contains(#"concierge_http_requests_total{method="GET",route="/test/things/{id}",status="200"} 1"#))
            #expect(text.contains(#"concierge_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
            #expect(text.contains(#"concierge_http_request_duration_seconds_bucket{method="GET",route="/health",le="#))
            #expect(text.contains("concierge_http_requests_in_flight"))
            // Raw paths and ids never become labels.
            #expect(!text.contains("secret-id-4711"))
            #expect(!text.contains("7c1f"))
        }
    }

    @Test func processMetricsAreExported() async throws {
        try await Application(router: buildRouter(.test())).test(.router) { client in
            let text = try await client.execute(uri: "/metrics", method: .get).body.text
            for name in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_start_time_seconds"] {
                let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(name) missing")
                let value = try #require(Double(line.split(separator: " ").last ?? ""))
                #expect(value > 0, "\(name) = \(value)")
            }
        }
    }
}

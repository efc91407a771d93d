import AsyncHTTPClient
import ConciergeCore
import ConciergeTools
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// `weather` against an in-process Open-Meteo fixture server answering in the documented shapes.
@Suite struct WeatherToolTests {
    static func withFixture(
        forecastStatus: HTTPResponse.Status = .ok, forecastBody: String = "open-meteo-forecast-london.json",
        _ body: @escaping @Sendable (WeatherTool, RequestLog) async throws -> Void
    ) async throws {
        let seen = RequestLog()
        let router = Router()
        router.get("/v1/search") { request, _ -> Response in
            seen.append(request.uri.description)
            let name = request.uri.queryParameters["name"].map(String.init) ?? ""
            return try Self.file(name == "London" ? "open-meteo-geocoding-london.json" : "open-meteo-geocoding-empty.json")
        }
        router.get("/v1/forecast") { request, _ -> Response in
            seen.append(request.uri.description)
            return try Self.file(forecastBody, status: forecastStatus)
        }
        try await Application(router: router).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            try await body(WeatherTool(httpClient: TestHTTPClient.shared, geocodingURL: base, forecastURL: base), seen)
        }
    }

    static func file(_ name: String, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Array(try Fixture.data(name)))))
    }

    @Test func geocodesThenReadsCurrentConditionsAndTheDailyForecast() async throws {
        try await Self.withFixture { tool, seen in
            let output = try await tool.invoke(["location": "London", "days": 2], context: .test())
            #expect(output.text.hasPrefix("London, England, United Kingdom: light rain, 7.9 °C, humidity 87 %, wind 11.2 km/h"))
            #expect(output.data["current"]?["temperature_c"] == 7.9)
            #expect(output.data["daily"]?.arrayValue?.count == 2)
            #expect(output.data["daily"]?.arrayValue?.last?["conditions"] == "overcast")
            let requests = seen.all
            #expect(requests.count == 2)
            #expect(requests[1].contains("latitude=51.50853") && requests[1].contains("forecast_days=2"))
        }
    }

    @Test func unknownPlaceIsAFinalError() async throws {
        try await Self.withFixture { tool, _ in
            await #expect(throws: ToolError.failed("no place called 'Atlantis' was found")) {
                try await tool.invoke(["location": "Atlantis"], context: .test())
            }
        }
    }

    @Test func badRequestIsFinalAndServerErrorIsRetryable() async throws {
        try await Self.withFixture(forecastStatus: .badRequest, forecastBody: "open-meteo-error-400.json") { tool, _ in
            await #expect(throws: ToolError.failed("Open-Meteo forecast answered 400: Latitude must be in range of -90 to 90°. Given: 91.0.")) {
                try await tool.invoke(["latitude": 89, "longitude": 0], context: .test())
            }
        }
        try await Self.withFixture(forecastStatus: .serviceUnavailable, forecastBody: "open-meteo-error-400.json") { tool, _ in
            do {
                _ = try await tool.invoke(["location": "London"], context: .test())
                Issue.record("expected an error")
            } catch let error as ToolError {
                #expect(error.isRetryable)
            }
        }
    }

    @Test func resultsAreCachedForTheToolsTTL() async throws {
        try await Self.withFixture { tool, seen in
            let clock = Mutex(Date(timeIntervalSince1970: 0))
            let cached = CachingTool.wrap(tool, now: { clock.withLock { $0 } })
            _ = try await cached.invoke(["location": "London"], context: .test())
            _ = try await cached.invoke(["location": "London"], context: .test())
            #expect(seen.all.count == 2)
            clock.withLock { $0 = $0.addingTimeInterval(601) }
            _ = try await cached.invoke(["location": "London"], context: .test())
            #expect(seen.all.count == 4)
            #expect(CachingTool.wrap(CalculatorTool()) is CalculatorTool)
        }
    }
}

/// The requests a fixture server saw.
final class RequestLog: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

import AsyncHTTPClient
import ConciergeCore
import ConciergeTools
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `weather` with an OpenWeatherMap key, against an in-process fixture server answering in OpenWeatherMap's
/// documented shapes (recorded bodies under Fixtures/openweather-*.json).
@Suite struct OpenWeatherMapTests {
    static let key = "owm-9f8e7d6c5b4a"

    struct Failure: Sendable {
        var status: HTTPResponse.Status
        var body: String
        var headers: HTTPFields = [:]
    }

    /// A fixture that checks `appid` like OpenWeatherMap (401 for any other key) and can fail the weather endpoint.
    static func withFixture(
        key: String = Self.key, weatherFailure: Failure? = nil, _ body: @escaping @Sendable (WeatherTool, RequestLog) async throws -> Void
    ) async throws {
        let seen = RequestLog()
        let router = Router()
        @Sendable func answer(_ request: Request, _ file: String) throws -> Response {
            seen.append(request.uri.description)
            guard request.uri.queryParameters["appid"].map(String.init) == Self.key else { return try WeatherToolTests.file("openweather-error-401.json", status: .unauthorized) }
            return try WeatherToolTests.file(file)
        }
        router.get("/geo/1.0/direct") { request, _ in
            try answer(request, request.uri.queryParameters["q"] == "London" ? "openweather-geocoding-london.json" : "openweather-geocoding-empty.json")
        }
        router.get("/data/2.5/weather") { request, _ -> Response in
            guard let weatherFailure else { return try answer(request, "openweather-weather-london.json") }
            seen.append(request.uri.description)
            let text = weatherFailure.body.replacingOccurrences(of: "{uri}", with: request.uri.description)
            var response = Response(status: weatherFailure.status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            response.headers.append(contentsOf: weatherFailure.headers)
            return response
        }
        router.get("/data/2.5/forecast") { request, _ in try answer(request, "openweather-forecast-london.json") }
        try await Application(router: router).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            // The Open-Meteo URLs point nowhere: with a key, they must not be used.
            let tool = WeatherTool(httpClient: TestHTTPClient.shared, geocodingURL: "http://127.0.0.1:9", forecastURL: "http://127.0.0.1:9", openWeatherAPIKey: key, openWeatherURL: base)
            try await body(tool, seen)
        }
    }

    static func error(_ tool: WeatherTool, _ arguments: ToolArguments = ["location": "London"]) async -> ToolError? {
        do {
            _ = try await tool.invoke(arguments, context: .test())
            return nil
        } catch {
            return error as? ToolError
        }
    }

    @Test func geocodesThenMapsCurrentWeatherAndForecastOntoTheSameShape() async throws {
        try await Self.withFixture { tool, seen in
            let output = try await tool.invoke(["location": "London", "days": 2], context: .test())
            #expect(output.text.hasPrefix("London, England, GB: light rain, 7.9 °C, humidity 87 %, wind 11.2 km/h"))
            #expect(output.data["place"] == "London, England, GB")
            #expect(output.data["current"]?["temperature_c"] == 7.9 && output.data["current"]?["wind_kmh"] == 11.2)
            #expect(output.data["current"]?["time"] == "2026-11-22T03:15")
            let days = try #require(output.data["daily"]?.arrayValue)
            #expect(days == [
                ["date": "2026-11-22", "min_c": 5.6, "max_c": 10.1, "precipitation_probability": 80, "conditions": "light rain"],
                ["date": "2026-11-23", "min_c": 4.4, "max_c": 9.4, "precipitation_probability": 20, "conditions": "overcast clouds"],
            ])
            let requests = seen.all
            #expect(requests.count == 3)
            #expect(requests[0].hasPrefix("/geo/1.0/direct?q=London&limit=1&appid="))
            #expect(requests[1].hasPrefix("/data/2.5/weather?lat=51.5073219&lon=-0.1276474&units=metric&appid="))
            #expect(requests[2].hasPrefix("/data/2.5/forecast?") && requests[2].contains("units=metric"))
            // The key is sent, but never returned.
            #expect(requests.allSatisfy { $0.hasSuffix("appid=\(Self.key)") })
            #expect(!output.text.contains(Self.key) && !output.data.jsonText.contains(Self.key) && !output.sources.joined().contains(Self.key))
        }
    }

    @Test func moreDaysThanTheForecastHoldsSaysSo() async throws {
        try await Self.withFixture { tool, _ in
            let output = try await tool.invoke(["latitude": 51.5, "longitude": -0.12, "days": 7], context: .test())
            #expect(output.data["daily"]?.arrayValue?.count == 2)
            #expect(output.data["place"] == "51.5,-0.12")
            #expect(output.text.hasSuffix("(OpenWeatherMap's forecast covers 2 days)"))
        }
    }

    @Test func anInvalidKeyIsAFinalError() async throws {
        try await Self.withFixture(key: "not-the-key") { tool, _ in
            #expect(await Self.error(tool) == .failed(
                "OpenWeatherMap refused the API key (401): Invalid API key. Please see https://openweathermap.org/faq#error401 for more info."
            ))
        }
    }

    @Test func anEmptyGeocodingResultIsAFinalError() async throws {
        try await Self.withFixture { tool, seen in
            #expect(await Self.error(tool, ["location": "Atlantis"]) == .failed("no place called 'Atlantis' was found"))
            #expect(seen.all.count == 1)
        }
    }

    @Test func cityNotFoundIsAFinalError() async throws {
        try await Self.withFixture(weatherFailure: .init(status: .notFound, body: try Fixture.text("openweather-error-404.json"))) { tool, _ in
            #expect(await Self.error(tool) == .failed("OpenWeatherMap found nothing (404): city not found"))
        }
    }

    @Test func rateLimitIsRetryableAfterRetryAfterOrAMinute() async throws {
        let body = try Fixture.text("openweather-error-429.json")
        try await Self.withFixture(weatherFailure: .init(status: .tooManyRequests, body: body, headers: [.retryAfter: "30"])) { tool, _ in
            let error = try #require(await Self.error(tool))
            #expect(error.isRetryable && error.retryAfter == .seconds(30))
            #expect(error.message.hasPrefix("OpenWeatherMap rate limit: Your account is temporary blocked"))
        }
        try await Self.withFixture(weatherFailure: .init(status: .tooManyRequests, body: body)) { tool, _ in
            let error = try #require(await Self.error(tool))
            #expect(error.isRetryable && error.retryAfter == .seconds(60))
        }
    }

    @Test func theKeyNeverShowsInAnError() async throws {
        // Given servers that echo the request URL (with its appid) in their error messages
        for status in [HTTPResponse.Status.badRequest, .tooManyRequests, .internalServerError, .badGateway] {
            let echo = Failure(status: status, body: #"{"cod":\#(status.code),"message":"bad request {uri}"}"#)
            try await Self.withFixture(weatherFailure: echo) { tool, seen in
                // When the tool fails
                let error = try #require(await Self.error(tool))
                // Then the server did see the key, and the error text does not carry it
                #expect(seen.all.last?.contains(Self.key) == true)
                #expect(error.message.contains("appid=***"), "\(error)")
                #expect(!error.message.contains(Self.key) && !"\(error)".contains(Self.key) && !String(reflecting: error).contains(Self.key))
            }
        }
        // And a connection failure (nothing listens) names no key either
        let offline = WeatherTool(httpClient: TestHTTPClient.shared, openWeatherAPIKey: Self.key, openWeatherURL: "http://127.0.0.1:9")
        let error = try #require(await Self.error(offline))
        #expect(error.isRetryable && !"\(error)".contains(Self.key) && !String(reflecting: offline).contains(Self.key))
    }
}

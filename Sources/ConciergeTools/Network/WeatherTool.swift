public import AsyncHTTPClient
public import ConciergeCore
import Foundation

/// `weather`: current conditions and a daily forecast from Open-Meteo (geocoding + forecast, no key), or from
/// OpenWeatherMap when an API key is given (``OpenWeatherMap``; its free forecast covers 5 days).
public struct WeatherTool: Tool {
    public let name = "weather"
    public let description = "Current weather and a daily forecast for a place name (or latitude/longitude). days: 1-16 (default 1; at most 5 when OpenWeatherMap answers)."
    public let parametersSchema: JSONValue = [
        "type": "object",
        "properties": [
            "location": ["type": "string", "minLength": 1, "maxLength": 200],
            "latitude": ["type": "number", "minimum": -90, "maximum": 90],
            "longitude": ["type": "number", "minimum": -180, "maximum": 180],
            "days": ["type": "integer", "minimum": 1, "maximum": 16],
        ],
        "additionalProperties": false,
    ]
    public var timeout: Duration { .seconds(10) }
    public var cacheTTL: Duration? { .seconds(600) }

    let httpClient: HTTPClient
    let geocodingURL: String
    let forecastURL: String
    let openWeatherMap: OpenWeatherMap?

    /// - Parameter openWeatherAPIKey: when set (non-empty), OpenWeatherMap at `openWeatherURL` answers instead of Open-Meteo.
    public init(
        httpClient: HTTPClient, geocodingURL: String = "https://geocoding-api.open-meteo.com", forecastURL: String = "https://api.open-meteo.com",
        openWeatherAPIKey: String? = nil, openWeatherURL: String = "https://api.openweathermap.org"
    ) {
        self.httpClient = httpClient
        self.geocodingURL = geocodingURL
        self.forecastURL = forecastURL
        self.openWeatherMap = openWeatherAPIKey.flatMap { key in
            key.isEmpty ? nil : OpenWeatherMap(httpClient: httpClient, baseURL: openWeatherURL, apiKey: .init(value: key), timeout: .seconds(10))
        }
    }

    struct Place {
        let name: String
        let latitude: Double
        let longitude: Double
    }

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        let days = Int(arguments["days"]?.numberValue ?? 1)
        let place: Place
        if let latitude = arguments["latitude"]?.numberValue, let longitude = arguments["longitude"]?.numberValue {
            place = Place(name: "\(latitude),\(longitude)", latitude: latitude, longitude: longitude)
        } else if let location = arguments["location"]?.stringValue {
            if let openWeatherMap { place = try await openWeatherMap.geocode(location) } else { place = try await geocode(location) }
        } else {
            throw ToolError.failed("give a location or latitude and longitude")
        }
        if let openWeatherMap { return try await openWeatherMap.weather(place, days: days) }
        return try await forecast(place, days: days)
    }

    func geocode(_ location: String) async throws -> Place {
        let url = "\(geocodingURL)/v1/search?" + ToolHTTP.query([("name", location), ("count", "1"), ("language", "en"), ("format", "json")])
        let reply = try await ToolHTTP.get(url, client: httpClient, timeout: timeout)
        guard reply.status == 200 else { throw ToolHTTP.failure(reply, service: "Open-Meteo geocoding") }
        guard let first = reply.json?["results"]?.arrayValue?.first, let latitude = first["latitude"]?.numberValue,
            let longitude = first["longitude"]?.numberValue
        else { throw ToolError.failed("no place called '\(location)' was found") }
        let parts = [first["name"]?.stringValue, first["admin1"]?.stringValue, first["country"]?.stringValue].compactMap { $0 }
        return Place(name: parts.joined(separator: ", "), latitude: latitude, longitude: longitude)
    }

    func forecast(_ place: Place, days: Int) async throws -> ToolOutput {
        let url = "\(forecastURL)/v1/forecast?" + ToolHTTP.query([
            ("latitude", String(place.latitude)), ("longitude", String(place.longitude)),
            ("current", "temperature_2m,relative_humidity_2m,weather_code,wind_speed_10m"),
            ("daily", "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max"),
            ("timezone", "auto"), ("forecast_days", String(days)),
        ])
        let reply = try await ToolHTTP.get(url, client: httpClient, timeout: timeout)
        guard reply.status == 200, let json = reply.json, let current = json["current"] else { throw ToolHTTP.failure(reply, service: "Open-Meteo forecast") }
        let temperature = current["temperature_2m"]?.numberValue
        let code = Int(current["weather_code"]?.numberValue ?? -1)
        var text = "\(place.name): \(WeatherCodes.describe(code)), \(temperature.map { "\($0) °C" } ?? "temperature unknown")"
        if let humidity = current["relative_humidity_2m"]?.numberValue { text += ", humidity \(Int(humidity)) %" }
        if let wind = current["wind_speed_10m"]?.numberValue { text += ", wind \(wind) km/h" }
        var daily: [JSONValue] = []
        if let daysJSON = json["daily"], let dates = daysJSON["time"]?.arrayValue {
            for (index, date) in dates.enumerated() {
                func value(_ key: String) -> JSONValue { daysJSON[key]?.arrayValue?[safe: index] ?? .null }
                daily.append(["date": date, "min_c": value("temperature_2m_min"), "max_c": value("temperature_2m_max"),
                              "precipitation_probability": value("precipitation_probability_max"),
                              "conditions": .string(WeatherCodes.describe(Int(value("weather_code").numberValue ?? -1)))])
                text += "\n\(date.stringValue ?? ""): \(WeatherCodes.describe(Int(value("weather_code").numberValue ?? -1))), \(value("temperature_2m_min").numberValue.map { "\($0)" } ?? "?")–\(value("temperature_2m_max").numberValue.map { "\($0)" } ?? "?") °C"
            }
        }
        let data: JSONValue = [
            "place": .string(place.name), "latitude": .number(place.latitude), "longitude": .number(place.longitude),
            "current": ["temperature_c": temperature.map(JSONValue.number) ?? .null, "conditions": .string(WeatherCodes.describe(code)),
                        "humidity": current["relative_humidity_2m"] ?? .null, "wind_kmh": current["wind_speed_10m"] ?? .null, "time": current["time"] ?? .null],
            "daily": .array(daily),
        ]
        return ToolOutput(text: text, data: data, sources: [forecastURL + "/v1/forecast"])
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// WMO weather interpretation codes as Open-Meteo documents them.
enum WeatherCodes {
    static func describe(_ code: Int) -> String {
        switch code {
        case 0: "clear sky"
        case 1: "mainly clear"
        case 2: "partly cloudy"
        case 3: "overcast"
        case 45, 48: "fog"
        case 51, 53, 55: "drizzle"
        case 56, 57: "freezing drizzle"
        case 61: "light rain"
        case 63: "rain"
        case 65: "heavy rain"
        case 66, 67: "freezing rain"
        case 71, 73, 75, 77: "snow"
        case 80, 81, 82: "rain showers"
        case 85, 86: "snow showers"
        case 95: "thunderstorm"
        case 96, 99: "thunderstorm with hail"
        default: "unknown conditions"
        }
    }
}

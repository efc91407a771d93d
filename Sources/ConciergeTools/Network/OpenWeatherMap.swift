import AsyncHTTPClient
import ConciergeCore
import Foundation
import NIOHTTP1

/// The `weather` tool's OpenWeatherMap provider, used when an API key is configured: geocoding (`/geo/1.0/direct`),
/// current weather (`/data/2.5/weather`) and the 5-day/3-hour forecast (`/data/2.5/forecast`, folded into days), all
/// with `units=metric`, mapped onto the same result as Open-Meteo's. The key travels as the `appid` query parameter,
/// so it is scrubbed from every error message and never part of a source URL.
struct OpenWeatherMap: Sendable {
    let httpClient: HTTPClient
    let baseURL: String
    let apiKey: APIKey
    let timeout: Duration

    /// The key, printed as `***` by `print`, `dump` and string interpolation.
    struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        let value: String
        var description: String { "***" }
        var debugDescription: String { "***" }
        var customMirror: Mirror { Mirror(self, children: []) }
    }

    func geocode(_ location: String) async throws -> WeatherTool.Place {
        let json = try await get("/geo/1.0/direct", [("q", location), ("limit", "1")], service: "OpenWeatherMap geocoding")
        guard let first = json.arrayValue?.first, let latitude = first["lat"]?.numberValue, let longitude = first["lon"]?.numberValue else {
            throw ToolError.failed("no place called '\(location)' was found")
        }
        let parts = [first["name"]?.stringValue, first["state"]?.stringValue, first["country"]?.stringValue].compactMap { $0 }
        return WeatherTool.Place(name: parts.joined(separator: ", "), latitude: latitude, longitude: longitude)
    }

    func weather(_ place: WeatherTool.Place, days: Int) async throws -> ToolOutput {
        let coordinates = [("lat", String(place.latitude)), ("lon", String(place.longitude)), ("units", "metric")]
        let current = try await get("/data/2.5/weather", coordinates, service: "OpenWeatherMap current weather")
        let forecast = try await get("/data/2.5/forecast", coordinates, service: "OpenWeatherMap forecast")
        let offset = Int(current["timezone"]?.numberValue ?? forecast["city"]?["timezone"]?.numberValue ?? 0)
        let temperature = current["main"]?["temp"]?.numberValue
        let conditions = current["weather"]?.arrayValue?.first?["description"]?.stringValue ?? "unknown conditions"
        let humidity = current["main"]?["humidity"]?.numberValue
        let windKMH = current["wind"]?["speed"]?.numberValue.map { ($0 * 36).rounded() / 10 }
        var text = "\(place.name): \(conditions), \(temperature.map { "\($0) °C" } ?? "temperature unknown")"
        if let humidity { text += ", humidity \(Int(humidity)) %" }
        if let windKMH { text += ", wind \(windKMH) km/h" }
        let daily = Self.days(forecast["list"]?.arrayValue ?? [], offsetSeconds: offset).prefix(days)
        for day in daily {
            text += "\n\(day["date"]?.stringValue ?? ""): \(day["conditions"]?.stringValue ?? ""), "
                + "\(day["min_c"]?.numberValue.map { "\($0)" } ?? "?")–\(day["max_c"]?.numberValue.map { "\($0)" } ?? "?") °C"
        }
        if daily.count < days { text += "\n(OpenWeatherMap's forecast covers \(daily.count) days)" }
        let data: JSONValue = [
            "place": .string(place.name), "latitude": .number(place.latitude), "longitude": .number(place.longitude),
            "current": [
                "temperature_c": temperature.map(JSONValue.number) ?? .null, "conditions": .string(conditions),
                "humidity": humidity.map(JSONValue.number) ?? .null, "wind_kmh": windKMH.map(JSONValue.number) ?? .null,
                "time": current["dt"]?.numberValue.map { .string(Self.localTime($0, offsetSeconds: offset)) } ?? .null,
            ],
            "daily": .array(Array(daily)),
        ]
        return ToolOutput(text: text, data: data, sources: [baseURL + "/data/2.5/weather", baseURL + "/data/2.5/forecast"])
    }

    /// 3-hour slots folded into local days: lowest minimum, highest maximum, highest chance of precipitation (in %),
    /// and the most frequent description (the earliest on a tie).
    static func days(_ slots: [JSONValue], offsetSeconds: Int) -> [JSONValue] {
        var order: [String] = []
        var byDate: [String: [JSONValue]] = [:]
        for slot in slots {
            guard let dt = slot["dt"]?.numberValue else { continue }
            let date = String(localTime(dt, offsetSeconds: offsetSeconds).prefix(10))
            if byDate[date] == nil { order.append(date) }
            byDate[date, default: []].append(slot)
        }
        return order.map { date in
            let slots = byDate[date] ?? []
            let descriptions = slots.compactMap { $0["weather"]?.arrayValue?.first?["description"]?.stringValue }
            let counts = Dictionary(descriptions.map { ($0, 1) }, uniquingKeysWith: +)
            let conditions = descriptions.first { counts[$0] == counts.values.max() } ?? "unknown conditions"
            func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
            return [
                "date": .string(date),
                "min_c": number(slots.compactMap { $0["main"]?["temp_min"]?.numberValue }.min()),
                "max_c": number(slots.compactMap { $0["main"]?["temp_max"]?.numberValue }.max()),
                "precipitation_probability": number(slots.compactMap { $0["pop"]?.numberValue }.max().map { ($0 * 100).rounded() }),
                "conditions": .string(conditions),
            ]
        }
    }

    /// `yyyy-MM-ddTHH:mm` at the place (OpenWeatherMap gives UTC seconds plus the place's offset).
    static func localTime(_ unixSeconds: Double, offsetSeconds: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: offsetSeconds) ?? TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: unixSeconds))
    }

    /// One GET with the key added; every error message has the key replaced by `***`.
    func get(_ path: String, _ query: [(String, String)], service: String) async throws -> JSONValue {
        let url = baseURL + path + "?" + ToolHTTP.query(query + [("appid", apiKey.value)])
        do {
            let reply = try await ToolHTTP.get(url, client: httpClient, timeout: timeout)
            if reply.status == 200, let json = reply.json { return json }
            throw failure(reply, service: service)
        } catch let error as ToolError {
            throw ToolError(kind: error.kind, message: scrub(error.message), retryAfter: error.retryAfter)
        } catch {
            throw ToolError.retry(scrub("\(service) failed: \(error)"))
        }
    }

    /// OpenWeatherMap's documented errors: 401 (bad key) is final, 404 (not found) is final, 429 (the plan's
    /// per-minute limit) is retryable after `Retry-After`, or a minute when it is absent.
    func failure(_ reply: ToolHTTP.Reply, service: String) -> ToolError {
        let message = reply.json?["message"]?.stringValue ?? "HTTP \(reply.status)"
        switch reply.status {
        case 401: return .failed("OpenWeatherMap refused the API key (401): \(message)")
        case 404: return .failed("OpenWeatherMap found nothing (404): \(message)")
        case 429:
            let seconds = reply.headers.first(name: "retry-after").flatMap(Int.init) ?? 60
            return .retry("OpenWeatherMap rate limit: \(message); retry after \(seconds) s", after: .seconds(seconds))
        default: return ToolHTTP.failure(reply, service: service)
        }
    }

    func scrub(_ text: String) -> String {
        let key = apiKey.value
        guard !key.isEmpty else { return text }
        let scrubbed = text.replacingOccurrences(of: key, with: "***")
        return scrubbed.replacingOccurrences(of: ToolHTTP.encode(key), with: "***")
    }
}

public import AsyncHTTPClient
public import ConciergeCore
public import Foundation
public import NIOCore

/// The tools a deployment offers, by name. The composition root builds it and hands `tools` to the agents.
public struct ToolRegistry: Sendable {
    public private(set) var tools: [String: any Tool] = [:]

    public init(_ tools: [any Tool] = []) {
        for tool in tools { register(tool) }
    }

    /// Adds `tool`, replacing any tool of the same name.
    public mutating func register(_ tool: any Tool) {
        tools[tool.name] = tool
    }

    public func tool(named name: String) -> (any Tool)? { tools[name] }

    /// Names in a stable order.
    public var names: [String] { tools.keys.sorted() }

    /// Every tool, sorted by name.
    public var all: [any Tool] { names.compactMap { tools[$0] } }

    /// Every built-in tool: the offline ones plus the network tools, each network tool behind its result cache.
    /// `http_fetch` builds its own short-lived clients on `fetchEventLoopGroup`, each pinned to a checked address.
    public static func standard(
        httpClient: HTTPClient, fetchEventLoopGroup: any EventLoopGroup, weatherGeocodingURL: String, weatherForecastURL: String,
        openWeatherURL: String = "https://api.openweathermap.org", openWeatherAPIKey: String? = nil, fetchPolicy: AddressPolicy,
        fetchMaxBytes: Int, gitHubURL: String, gitHubToken: String?
    ) -> ToolRegistry {
        var registry = offline()
        registry.register(CachingTool.wrap(WeatherTool(
            httpClient: httpClient, geocodingURL: weatherGeocodingURL, forecastURL: weatherForecastURL,
            openWeatherAPIKey: openWeatherAPIKey, openWeatherURL: openWeatherURL
        )))
        registry.register(CachingTool.wrap(GitHubTool(httpClient: httpClient, baseURL: gitHubURL, token: gitHubToken)))
        registry.register(HTTPFetchTool(eventLoopGroup: fetchEventLoopGroup, policy: fetchPolicy, maxBytes: fetchMaxBytes))
        return registry
    }

    /// The tools that need no network: calculator, clock and unit_convert.
    public static func offline(now: @escaping @Sendable () -> Date = { Date() }) -> ToolRegistry {
        ToolRegistry([CalculatorTool(), ClockTool(now: now), UnitConvertTool()])
    }
}

@testable import concierge
import Foundation
import Logging
import Testing
import ConciergeTestSupport

@Suite struct ConfigurationTests {
    @Test func defaultsApplyWithNothingSet() async {
        let (configuration, problems) = await ConfigurationLoader.load(environment: [:])
        #expect(problems.isEmpty)
        #expect(configuration == AppConfiguration())
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.databaseURL == nil)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .json)
        #expect(configuration.maxBodyBytes == 1_048_576)
    }

    @Test func environmentOverridesDefaults() async {
        let (configuration, problems) = await ConfigurationLoader.load(environment: [
            "CONCIERGE_HOST": "0.0.0.0", "CONCIERGE_PORT": "9090", "CONCIERGE_DATA_DIR": "/var/lib/concierge",
            "DATABASE_URL": "postgres://u:p@db:5433/app", "CONCIERGE_DB_POOL_SIZE": "4", "CONCIERGE_LOG_LEVEL": "DEBUG",
            "CONCIERGE_LOG_FORMAT": "text", "CONCIERGE_MAX_BODY_BYTES": "2048", "CONCIERGE_DRAIN_TIMEOUT_S": "2.5",
        ])
        #expect(problems.isEmpty)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9090)
        #expect(configuration.dataDirectory == "/var/lib/concierge")
        #expect(configuration.databaseURL == "postgres://u:p@db:5433/app")
        #expect(configuration.databasePoolSize == 4)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .text)
        #expect(configuration.maxBodyBytes == 2048)
        #expect(configuration.drainTimeoutSeconds == 2.5)
    }

    @Test func openWeatherMapKeyAndURLAreRead() async {
        let (unset, _) = await ConfigurationLoader.load(environment: [:])
        #expect(unset.toolsOpenWeatherAPIKey == nil && unset.toolsOpenWeatherURL == "https://api.openweathermap.org")
        let (configuration, problems) = await ConfigurationLoader.load(environment: [
            "OPENWEATHER_API_KEY": "owm-key", "CONCIERGE_TOOLS_OPENWEATHER_URL": "http://127.0.0.1:9000/",
        ])
        #expect(problems.isEmpty)
        #expect(configuration.toolsOpenWeatherAPIKey == "owm-key" && configuration.toolsOpenWeatherURL == "http://127.0.0.1:9000")
        let (_, bad) = await ConfigurationLoader.load(environment: ["CONCIERGE_TOOLS_OPENWEATHER_URL": "ftp://x"])
        #expect(bad.map(\.setting) == ["CONCIERGE_TOOLS_OPENWEATHER_URL"])
    }

    @Test func precedenceIsFlagsThenEnvironmentThenFileThenDefaults() async throws {
        try await TemporaryDirectory.with { directory in
            let file = "\(directory)/concierge.yaml"
            try """
            server:
              port: 7000
              host: 10.0.0.1
            log:
              level: warning
              format: text
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let (configuration, problems) = await ConfigurationLoader.load(
                environment: ["CONCIERGE_CONFIG": file, "CONCIERGE_PORT": "7100", "CONCIERGE_LOG_LEVEL": "error"],
                flags: ["port": "7200"]
            )
            #expect(problems.isEmpty)
            #expect(configuration.port == 7200)  // flag beats env and file
            #expect(configuration.logLevel == .error)  // env beats file
            #expect(configuration.host == "10.0.0.1")  // file beats default
            #expect(configuration.logFormat == .text)
            #expect(configuration.configFile == file)
        }
    }

    @Test func jsonConfigFileIsRead() async throws {
        try await TemporaryDirectory.with { directory in
            let file = "\(directory)/concierge.json"
            try #"{"server": {"port": 6100, "max_body_bytes": 4096}, "data_dir": "/srv/c"}"#.write(toFile: file, atomically: true, encoding: .utf8)
            let (configuration, problems) = await ConfigurationLoader.load(environment: [:], configFile: file)
            #expect(problems.isEmpty)
            #expect(configuration.port == 6100)
            #expect(configuration.maxBodyBytes == 4096)
            #expect(configuration.dataDirectory == "/srv/c")
        }
    }

    @Test(arguments: [
        ("CONCIERGE_PORT", "99999"), ("CONCIERGE_PORT", "eighty"), ("CONCIERGE_LOG_LEVEL", "loud"), ("CONCIERGE_LOG_FORMAT", "xml"),
        ("DATABASE_URL", "not a url at all"), ("DATABASE_URL", "mysql://u:p@h/db"), ("DATABASE_URL", "postgres://u:p@h:99999/db"),
        ("CONCIERGE_DB_POOL_SIZE", "0"), ("CONCIERGE_MAX_BODY_BYTES", "-1"), ("CONCIERGE_DRAIN_TIMEOUT_S", "soon"),
        ("CONCIERGE_HOST", "bad host"),
    ])
    func wrongValueIsOneLineNamingTheSetting(_ variable: String, _ value: String) async {
        let (_, problems) = await ConfigurationLoader.load(environment: [variable: value])
        #expect(problems.count == 1)
        let line = problems.first?.description ?? ""
        #expect(line.hasPrefix(variable + ":"), "\(line)")
        #expect(!line.contains("\n"))
    }

    @Test func problemsNeverShowThePassword() async {
        let (_, problems) = await ConfigurationLoader.load(environment: ["DATABASE_URL": "mysql://admin:hunter2@db/x"])
        #expect(problems.count == 1)
        #expect(!(problems.first?.description.contains("hunter2") ?? true))
    }

    @Test func unreadableConfigFileIsAProblem() async {
        let (_, problems) = await ConfigurationLoader.load(environment: ["CONCIERGE_CONFIG": "/nonexistent/concierge.yaml"])
        #expect(problems.map(\.setting) == ["CONCIERGE_CONFIG"])
    }

    @Test func wrongValueInFileNamesTheFileKey() async throws {
        try await TemporaryDirectory.with { directory in
            let file = "\(directory)/c.yaml"
            try "server:\n  port: 123456\n".write(toFile: file, atomically: true, encoding: .utf8)
            let (_, problems) = await ConfigurationLoader.load(environment: [:], configFile: file)
            #expect(problems.count == 1)
            #expect(problems.first?.description.contains("server.port") == true)
        }
    }

    @Test func everySettingIsDocumentedWithItsDefault() throws {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        for setting in Settings.all {
            let row = doc.split(separator: "\n").first { $0.hasPrefix("| `\(setting.environment)` ") }
            #expect(row != nil, "\(setting.environment) is not in docs/configuration.md")
            #expect(row?.contains(setting.defaultValue) == true, "\(setting.environment) default \(setting.defaultValue) not documented")
            #expect(row?.contains("`\(setting.key)`") == true, "\(setting.environment) file key \(setting.key) not documented")
        }
    }
}

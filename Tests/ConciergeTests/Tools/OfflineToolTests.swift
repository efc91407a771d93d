import ConciergeCore
import ConciergeTools
import Foundation
import Logging
import Testing

extension ToolContext {
    static func test() -> ToolContext { ToolContext(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) }
}

@Suite struct CalculatorToolTests {
    let tool = CalculatorTool()

    func value(_ expression: String) async throws -> String {
        let output = try await tool.invoke(["expression": .string(expression)], context: .test())
        return try #require(output.data["value"]?.stringValue)
    }

    @Test(arguments: [
        ("17.5% of 2,340", "409.5"),
        ("2 + 3 * 4", "14"),
        ("(2 + 3) * 4", "20"),
        ("0.1 + 0.2", "0.3"),
        ("1,234,567 / 1,000", "1234.567"),
        ("2^10", "1024"),
        ("2 ** -2", "0.25"),
        ("200 + 10%", "220"),
        ("200 - 15%", "170"),
        ("12 times 7 minus 4", "80"),
        ("100 divided by 8", "12.5"),
        ("5 squared plus 3 cubed", "52"),
        ("-3 - -4", "1"),
        ("sqrt(144)", "12"),
        ("15 percent of 80", "12"),
        ("$1,200 × 3", "3600"),
        ("1/3", "0.33333333333333333333"),
    ])
    func evaluatesExactly(expression: String, expected: String) async throws {
        #expect(try await value(expression) == expected)
    }

    @Test(arguments: ["2 +", "(1 + 2", "1 / 0", "system(\"ls\")", "2 $ 3 foo", "", "1.2.3"])
    func refusesWhatIsNotArithmetic(expression: String) async throws {
        await #expect(throws: ToolError.self) { try await tool.invoke(["expression": .string(expression)], context: .test()) }
    }

    @Test func textShowsTheExpressionAndResult() async throws {
        let output = try await tool.invoke(["expression": "17.5% of 2,340"], context: .test())
        #expect(output.text == "17.5% of 2,340 = 409.5")
        #expect(output.data["number"] == .number(409.5))
    }
}

@Suite struct ClockToolTests {
    // 2026-11-22 03:00:00 UTC
    let tool = ClockTool(now: { Date(timeIntervalSince1970: 1_795_316_400) })

    @Test func nowInTokyoByCityName() async throws {
        let output = try await tool.invoke(["operation": "now", "time_zone": "Tokyo"], context: .test())
        #expect(output.data["time_zone"] == "Asia/Tokyo")
        #expect(output.data["local_time"] == "2026-11-22T12:00:00+09:00")
        #expect(output.text.contains("12:00"))
    }

    @Test(arguments: [("Asia/Tokyo", "Asia/Tokyo"), ("new york", "America/New_York"), ("San Francisco", "America/Los_Angeles"), ("London", "Europe/London")])
    func resolvesZones(asked: String, identifier: String) async throws {
        let output = try await tool.invoke(["operation": "now", "time_zone": .string(asked)], context: .test())
        #expect(output.data["time_zone"]?.stringValue == identifier)
    }

    @Test func unknownZoneIsFinal() async throws {
        await #expect(throws: ToolError.failed("unknown time zone 'Atlantis'")) {
            try await tool.invoke(["operation": "now", "time_zone": "Atlantis"], context: .test())
        }
    }

    @Test func addsDaysAndMonths() async throws {
        let days = try await tool.invoke(["operation": "add", "date": "2026-02-20", "amount": 10, "unit": "days"], context: .test())
        #expect(days.data["date"] == "2026-03-02")
        let months = try await tool.invoke(["operation": "add", "date": "2026-01-31", "amount": 1, "unit": "months"], context: .test())
        #expect(months.data["date"] == "2026-02-28")
        let fromToday = try await tool.invoke(["operation": "add", "amount": 30, "unit": "days"], context: .test())
        #expect(fromToday.data["date"] == "2026-12-22")
    }

    @Test func countsDaysBetweenDates() async throws {
        let output = try await tool.invoke(["operation": "difference", "date": "today", "end_date": "2026-12-25"], context: .test())
        #expect(output.data["days"] == 33)
    }
}

@Suite struct UnitConvertToolTests {
    let tool = UnitConvertTool()

    func convert(_ value: Double, _ from: String, _ to: String) async throws -> String {
        let output = try await tool.invoke(["value": .number(value), "from": .string(from), "to": .string(to)], context: .test())
        return try #require(output.data["text"]?.stringValue)
    }

    @Test func convertsExactly() async throws {
        #expect(try await convert(10, "km", "miles") == "6.2137119224")
        #expect(try await convert(1, "mile", "km") == "1.609344")
        #expect(try await convert(100, "celsius", "fahrenheit") == "212")
        #expect(try await convert(-40, "F", "C") == "-40")
        #expect(try await convert(0, "C", "K") == "273.15")
        #expect(try await convert(5, "lb", "kg") == "2.26796185")
        #expect(try await convert(1, "GiB", "MB") == "1073.741824")
        #expect(try await convert(90, "km/h", "m/s") == "25")
        #expect(try await convert(2.5, "hours", "minutes") == "150")
    }

    @Test func refusesMixedDimensionsAndUnknownUnits() async throws {
        await #expect(throws: ToolError.failed("cannot convert length (km) to mass (kg)")) {
            try await tool.invoke(["value": 1, "from": "km", "to": "kg"], context: .test())
        }
        await #expect(throws: ToolError.self) { try await tool.invoke(["value": 1, "from": "furlong", "to": "m"], context: .test()) }
    }

    @Test func registryListsOfflineTools() {
        #expect(ToolRegistry.offline().names == ["calculator", "clock", "unit_convert"])
    }
}

@Suite struct JSONSchemaValidatorTests {
    @Test func reportsPathsOfEveryViolation() {
        let schema = UnitConvertTool().parametersSchema
        #expect(JSONSchemaValidator.errors(["value": 1, "from": "km", "to": "mi"], against: schema).isEmpty)
        #expect(JSONSchemaValidator.errors(["value": "1", "from": "km", "extra": true], against: schema) == [
            "$: missing required property 'to'", "$: unknown property 'extra'", "$.value: must be of type number, got string",
        ])
        let list: JSONValue = ["type": "array", "items": ["type": "integer", "minimum": 0], "maxItems": 2]
        #expect(JSONSchemaValidator.errors([1, -1, 2.5], against: list) == [
            "$: must be at most 2 items", "$[1]: must be at least 0", "$[2]: must be of type integer, got number",
        ])
    }
}

import ConciergeAgents
import ConciergeCore
import ConciergeTools
import Testing

/// One task and the tool calls the rule planner must make for it: each expected call names the tool and the
/// arguments that must be present with these values (other arguments may be present too).
struct RuleCase: CustomTestStringConvertible, Sendable {
    let task: String
    let calls: [(tool: String, arguments: [String: JSONValue])]
    var testDescription: String { task }

    init(_ task: String, _ calls: (String, [String: JSONValue])...) {
        self.task = task
        self.calls = calls.map { (tool: $0.0, arguments: $0.1) }
    }
}

@Suite struct RulePlannerTests {
    static let planner = RulePlanner(
        toolNames: ["calculator", "clock", "unit_convert", "weather", "github", "http_fetch"], unitNames: UnitConvertTool.unitNames
    )

    // Written as people phrase requests, not as the rules are written: every case is a different wording.
    static let cases: [RuleCase] = [
        RuleCase("What is 17.5% of 2,340 and what time is it in Tokyo?",
                 ("calculator", ["expression": "17.5% of 2,340"]), ("clock", ["operation": "now", "time_zone": "Tokyo"])),
        RuleCase("calculate 12 * (3 + 4)", ("calculator", ["expression": "12 * (3 + 4)"])),
        RuleCase("How much is 1,250 divided by 5?", ("calculator", ["expression": "1,250 divided by 5"])),
        RuleCase("what's 2 to the power of 16", ("calculator", ["expression": "2 to the power of 16"])),
        RuleCase("Compute 45 times 12 minus 7, please", ("calculator", ["expression": "45 times 12 minus 7"])),
        RuleCase("What's a 15% tip on $84.50?", ("calculator", ["expression": "15% of 84.50"])),
        RuleCase("Split a $240 bill between 6 people", ("calculator", ["expression": "240 / 6"])),
        RuleCase("I need the square root of 729", ("calculator", ["expression": "square root of 729"])),
        RuleCase("what is 20 percent of 350", ("calculator", ["expression": "20% of 350"])),
        RuleCase("Add 8% VAT to 1,200: what's 1,200 + 8%?", ("calculator", ["expression": "1,200 + 8%"])),
        RuleCase("Convert 10 km to miles", ("unit_convert", ["value": 10, "from": "km", "to": "miles"])),
        RuleCase("how many feet are in a mile?", ("unit_convert", ["value": 1, "from": "mile", "to": "feet"])),
        RuleCase("What is 72 fahrenheit in celsius", ("unit_convert", ["value": 72, "from": "fahrenheit", "to": "celsius"])),
        RuleCase("Turn 3.5 kilograms into pounds and 2 litres into cups",
                 ("unit_convert", ["value": 3.5, "from": "kilograms", "to": "pounds"]), ("unit_convert", ["value": 2, "from": "litres", "to": "cups"])),
        RuleCase("500 MB in GiB?", ("unit_convert", ["value": 500, "from": "mb", "to": "gib"])),
        RuleCase("How many kilometres per hour is 60 mph", ("unit_convert", ["value": 60, "from": "mph", "to": "kilometres per hour"])),
        RuleCase("What time is it in New York?", ("clock", ["operation": "now", "time_zone": "New York"])),
        RuleCase("current time in london", ("clock", ["operation": "now", "time_zone": "London"])),
        RuleCase("Tell me the local time in Sydney and in Berlin",
                 ("clock", ["operation": "now", "time_zone": "Sydney"]), ("clock", ["operation": "now", "time_zone": "Berlin"])),
        RuleCase("what's the date today", ("clock", ["operation": "now"])),
        RuleCase("What date is 90 days from today?", ("clock", ["operation": "add", "date": "today", "amount": 90, "unit": "days"])),
        RuleCase("what day will it be 3 weeks after 2026-12-01", ("clock", ["operation": "add", "date": "2026-12-01", "amount": 3, "unit": "weeks"])),
        RuleCase("When was 18 months ago?", ("clock", ["operation": "add", "date": "today", "amount": -18, "unit": "months"])),
        RuleCase("How many days until December 25, 2026?", ("clock", ["operation": "difference", "date": "today", "end_date": "2026-12-25"])),
        RuleCase("count the days between 2026-01-01 and 2026-03-01",
                 ("clock", ["operation": "difference", "date": "2026-01-01", "end_date": "2026-03-01"])),
        RuleCase("how many days are left before 1 July 2027", ("clock", ["operation": "difference", "end_date": "2027-07-01"])),
        RuleCase("Get weather in London", ("weather", ["location": "London"])),
        RuleCase("Is it going to rain in Paris tomorrow?", ("weather", ["location": "Paris", "days": 2])),
        RuleCase("what's the forecast for san francisco this week", ("weather", ["location": "San Francisco", "days": 7])),
        RuleCase("Berlin weather please", ("weather", ["location": "Berlin"])),
        RuleCase("How cold is it in Oslo right now and what time is it there?",
                 ("weather", ["location": "Oslo"]), ("clock", ["operation": "now", "time_zone": "Oslo"])),
        RuleCase("weather for Lisbon and Madrid", ("weather", ["location": "Lisbon"]), ("weather", ["location": "Madrid"])),
        RuleCase("Get the weather in London and the three most-starred Swift web frameworks on GitHub",
                 ("weather", ["location": "London"]),
                 ("github", ["operation": "search_repositories", "query": "Swift web frameworks", "limit": 3, "sort": "stars"])),
        RuleCase("Find the top 5 Rust HTTP clients on GitHub", ("github", ["operation": "search_repositories", "query": "Rust HTTP clients", "limit": 5])),
        RuleCase("which popular github repos are about vector databases?",
                 ("github", ["operation": "search_repositories", "query": "vector databases"])),
        RuleCase("How many stars does apple/swift-nio have?", ("github", ["operation": "get_repository", "owner": "apple", "repo": "swift-nio"])),
        RuleCase("List the open issues in vapor/vapor", ("github", ["operation": "list_issues", "owner": "vapor", "repo": "vapor", "state": "open"])),
        RuleCase("show closed issues of hummingbird-project/hummingbird",
                 ("github", ["operation": "list_issues", "owner": "hummingbird-project", "repo": "hummingbird", "state": "closed"])),
        RuleCase("Who is the GitHub user torvalds?", ("github", ["operation": "get_user", "user": "torvalds"])),
        RuleCase("Fetch https://example.com/status and summarise it", ("http_fetch", ["url": "https://example.com/status"])),
        RuleCase("read http://intranet.example/docs/page.html, then convert 5 miles to km",
                 ("http_fetch", ["url": "http://intranet.example/docs/page.html"]), ("unit_convert", ["value": 5, "from": "miles", "to": "km"])),
        RuleCase("What time is it in Tokyo; also what's 3,000 / 7?",
                 ("clock", ["operation": "now", "time_zone": "Tokyo"]), ("calculator", ["expression": "3,000 / 7"])),
        RuleCase("Convert 100 USD... no: convert 26.2 miles to kilometers, then tell me the time in Boston",
                 ("unit_convert", ["value": 26.2, "from": "miles", "to": "kilometers"]), ("clock", ["operation": "now", "time_zone": "Boston"])),
        RuleCase("weather in Cape Town and how many days until 2027-01-01",
                 ("weather", ["location": "Cape Town"]), ("clock", ["operation": "difference", "end_date": "2027-01-01"])),
    ]

    @Test(arguments: cases)
    func plansExpectedCalls(_ testCase: RuleCase) throws {
        let plan = try Self.planner.plan(testCase.task)
        #expect(plan.planner == "rules")
        let calls = plan.steps.map { "\($0.tool) \(JSONValue.object($0.arguments).jsonText)" }
        try #require(plan.steps.count == testCase.calls.count, "got \(calls)")
        for (step, expected) in zip(plan.steps, testCase.calls) {
            #expect(step.tool == expected.tool, "got \(calls)")
            for (key, value) in expected.arguments {
                #expect(step.arguments[key] == value, "\(key) in \(calls)")
            }
        }
    }

    @Test func listIsLargeEnough() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.flatMap { $0.calls.map(\.tool) }).count == 6)
    }

    @Test func plansAreValidForTheOfflineTools() throws {
        let registry = ToolRegistry.offline()
        let planner = RulePlanner(toolNames: Set(registry.names), unitNames: UnitConvertTool.unitNames)
        let plan = try planner.plan("What is 17.5% of 2,340 and what time is it in Tokyo?")
        #expect(PlanValidator(tools: registry.tools, maxSteps: 10).errors(in: plan).isEmpty)
    }

    @Test func intentsOfMissingToolsAreIgnoredAndNothingMatchingThrows() {
        let planner = RulePlanner(toolNames: ["calculator"])
        #expect(throws: RulePlanner.NoMatch.self) { try planner.plan("Get weather in London") }
        #expect(throws: RulePlanner.NoMatch.self) { try Self.planner.plan("Write me a poem about autumn") }
    }
}

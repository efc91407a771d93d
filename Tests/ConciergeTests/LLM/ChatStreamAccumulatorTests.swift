import ConciergeCore
import Testing

@Suite struct ChatStreamAccumulatorTests {
    @Test func piecesBuildTheWholeAnswer() {
        var accumulator = ChatStreamAccumulator()
        let events: [ChatStreamEvent] = [
            .started(id: "c1", model: "m", provider: nil),
            .content("Hel"), .content("lo"),
            // Calls arrive out of index order, and their pieces interleave.
            .toolCall(index: 2, id: "b", name: "weath", arguments: ""),
            .toolCall(index: 0, id: "a", name: "clock", arguments: "{\"tz\":"),
            .toolCall(index: 2, id: nil, name: "er", arguments: "{\"city\":\"Oslo\"}"),
            .toolCall(index: 0, id: nil, name: nil, arguments: "\"UTC\"}"),
            .finished(.toolCalls),
            .usage(TokenUsage(promptTokens: 3, completionTokens: 4, cachedTokens: 1)),
        ]
        for event in events { accumulator.add(event) }
        let response = accumulator.response
        #expect(response.id == "c1")
        #expect(response.model == "m")
        #expect(response.content == "Hello")
        #expect(response.toolCalls == [
            ToolCall(id: "a", name: "clock", arguments: "{\"tz\":\"UTC\"}"),
            ToolCall(id: "b", name: "weather", arguments: "{\"city\":\"Oslo\"}"),
        ])
        #expect(response.finishReason == .toolCalls)
        #expect(response.usage == TokenUsage(promptTokens: 3, completionTokens: 4, cachedTokens: 1))
    }

    @Test func noContentStaysNil() {
        var accumulator = ChatStreamAccumulator()
        accumulator.add(.toolCall(index: 0, id: "a", name: "clock", arguments: "{}"))
        #expect(accumulator.response.content == nil)
        #expect(accumulator.response.toolCalls.count == 1)
    }
}

public import ConciergeCore

/// Builds the answer from the step results: the steps' texts in plan order, a result object keyed by step id
/// (or, with an `output_schema` and a model, the model's JSON shaped to that schema), and the sources.
public struct AnswerComposer: Sendable {
    let model: (any ChatModel)?
    let alias: String
    let maxTokens: Int?

    public init(model: (any ChatModel)?, alias: String = "default", maxTokens: Int? = nil) {
        self.model = model
        self.alias = alias
        self.maxTokens = maxTokens
    }

    public func compose(task: String, outputSchema: JSONValue?, steps: [ToolCallRecord], runID: String, meter: UsageMeter) async -> TaskAnswer {
        let succeeded = steps.filter { $0.status == .succeeded }
        let text = succeeded.compactMap { $0.output?.text }.joined(separator: "\n")
        var result = JSONValue.object(Dictionary(succeeded.compactMap { record in record.output.map { (record.stepID, $0.data) } }, uniquingKeysWith: { first, _ in first }))
        if succeeded.count == 1, let only = succeeded.first?.output?.data, outputSchema != nil { result = only }
        let sources = succeeded.map { "step:\($0.stepID)" } + succeeded.flatMap { $0.output?.sources ?? [] }
        if let outputSchema, let model, let shaped = await shape(task: task, schema: outputSchema, steps: succeeded, model: model, runID: runID, meter: meter) {
            result = shaped
        }
        return TaskAnswer(text: text, result: result, sources: sources)
    }

    private func shape(task: String, schema: JSONValue, steps: [ToolCallRecord], model: any ChatModel, runID: String, meter: UsageMeter) async -> JSONValue? {
        let results = steps.map { "[\($0.stepID)] \($0.tool): \($0.output?.data.jsonText ?? "null")" }.joined(separator: "\n")
        let request = ChatRequest(
            model: alias,
            messages: [
                .system("Write the JSON result of the task from the tool results. Reply with JSON only, matching this schema: \(schema.jsonText)"),
                .user("Task: \(task)\nTool results:\n\(results)"),
            ],
            responseFormat: .jsonSchema(name: "result", schema: schema, strict: false), temperature: 0, maxTokens: maxTokens,
            attribution: CallAttribution(runID: runID, operation: "agent.answer"), cachePolicy: .bypass
        )
        guard let response = try? await meter.complete(model, request) else { return nil }
        guard let content = response.content else { return nil }
        return JSONValue(jsonText: content) ?? ModelJSON.object(in: content)
    }
}

import ConciergeCore
@testable import ConciergeHTTP
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// The gateway reads the client's request by hand as `JSONDecoder` read it: same values, same refusals, unknown
/// fields ignored.
@Suite struct GatewayRequestDecodingTests {
    static let accepted: [String] = [
        #"{"model":"default","messages":[{"role":"user","content":"Hi"}]}"#,
        // What the openai Python package sends with tools, plus fields Concierge does not know.
        #"""
        {"model":"default","messages":[{"role":"system","content":"Be brief. Café 🙂 \u00e9 \ud83d\ude00"},
         {"role":"user","content":[{"type":"text","text":"Weather in "},{"type":"text","text":"Paris?"}],"name":"alice"},
         {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
         {"role":"tool","tool_call_id":"call_1","content":"{\"temp\":21}"}],
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Forecast","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}},
                  {"function":{"name":"bare"}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}},"temperature":0.2,"top_p":1,"max_tokens":64,
         "max_completion_tokens":32.0,"stop":["\n","END"],"user":"u-1","stream":true,"stream_options":{"include_usage":true},"n":1,
         "seed":7,"logprobs":false,"metadata":{"a":"b"},"parallel_tool_calls":true,"frequency_penalty":0}
        """#,
        #"{"model":"m","messages":[{"role":"developer","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"object"},"strict":true}},"stop":"one","tool_choice":"required"}"#,
        #"{"model":"m","messages":[],"tools":null,"tool_choice":null,"response_format":null,"temperature":null,"stream":null,"stream_options":null,"user":null,"n":null,"stop":null}"#,
        #"{"model":"m","messages":[{"role":"user","content":null,"tool_calls":null,"tool_call_id":null,"name":null}],"stream_options":{}}"#,
    ]

    /// Bodies `JSONDecoder` refused, each with the field the 400 must name.
    static let refused: [(body: String, names: String)] = [
        (#"{"messages":[{"role":"user","content":"Hi"}]}"#, "Missing required field 'model'"),
        (#"{"model":null,"messages":[]}"#, "'model' is null"),
        (#"{"model":"m","messages":"Hi"}"#, "'messages' has the wrong type: expected an array"),
        (#"{"model":"m","messages":["Hi"]}"#, "'messages[0]' has the wrong type: expected an object"),
        (#"{"model":"m","messages":[{"content":"Hi"}]}"#, "Missing required field 'messages[0].role'"),
        (#"{"model":"m","messages":[{"role":1}]}"#, "'messages[0].role' has the wrong type: expected a string"),
        (#"{"model":"m","messages":[],"temperature":"hot"}"#, "'temperature' has the wrong type: expected a number"),
        (#"{"model":"m","messages":[],"max_tokens":1.5}"#, "'max_tokens' has the wrong type: expected an integer"),
        (#"{"model":"m","messages":[],"stream":"yes"}"#, "'stream' has the wrong type: expected a boolean"),
        (#"{"model":"m","messages":[],"tools":[{"function":{}}]}"#, "Missing required field 'tools[0].function.name'"),
        (#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]}]}"#,
         "Missing required field 'messages[0].tool_calls[0].type'"),
        (#"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{}}}]}]}"#,
         "'messages[0].tool_calls[0].function.arguments' has the wrong type: expected a string"),
        (#"{"model":"m","messages":[],"stream_options":{"include_usage":1}}"#, "'stream_options.include_usage' has the wrong type"),
        (#"["model"]"#, "must be an object"),
        (#""hello""#, "must be an object"),
    ]

    static func viaDecoder(_ text: String) -> GatewayChatRequest? {
        try? JSONDecoder().decode(GatewayChatRequest.self, from: Data(text.utf8))
    }

    static func viaParser(_ text: String) throws -> GatewayChatRequest {
        try GatewayChatRequest.decode(try #require(JSONValue(jsonText: text)))
    }

    /// The gateway's own path: the cursor over the body's bytes, falling back to the parser for what it cannot read.
    static func viaBody(_ text: String) throws -> GatewayChatRequest {
        try GatewayChatRequest.decode(ByteBuffer(string: text))
    }

    /// The cursor alone, without the fallback: nil when it refuses.
    static func viaCursor(_ text: String) -> GatewayChatRequest? {
        var text = text
        return text.withUTF8 { bytes in try? JSONCursor.read(utf8: UnsafeRawBufferPointer(bytes)) { try GatewayChatRequest(cursor: &$0) } }
    }

    @Test func requestsDecodeAsTheDecoderDoes() throws {
        for body in Self.accepted {
            let expected = try #require(Self.viaDecoder(body), "JSONDecoder refused \(body)")
            #expect(try Self.viaParser(body) == expected, "\(body)")
            #expect(Self.viaCursor(body) == expected, "the cursor read \(body) differently or refused it")
            #expect(try Self.viaBody(body) == expected, "\(body)")
        }
        let full = try Self.viaParser(Self.accepted[1])
        #expect(full.messages.count == 4 && full.tools?.count == 2 && full.maxCompletionTokens == 32)
        #expect(full.messages[0].content == .string("Be brief. Café 🙂 é 😀"))
    }

    @Test func refusalsNameTheField() throws {
        for (body, names) in Self.refused {
            #expect(Self.viaDecoder(body) == nil, "JSONDecoder accepted \(body)")
            #expect(Self.viaCursor(body) == nil, "the cursor accepted \(body)")
            for decode in [Self.viaParser, Self.viaBody] {
                do {
                    _ = try decode(body)
                    Issue.record("accepted \(body)")
                } catch let error as APIError {
                    #expect(error.status == .badRequest)
                    #expect(error.code == "invalid_json")
                    #expect(error.message.contains(names), "\(error.message) for \(body)")
                }
            }
        }
    }

    /// What a dictionary does and a field-by-field read might not: a repeated key's last value wins (an earlier one of
    /// the wrong type included), whitespace anywhere, and text that is not JSON is refused at the byte it breaks.
    @Test func theCursorAndTheParserAgreeOnEdgeCases() throws {
        let agreeing = [
            #"{"model":"a","model":"b","messages":[{"role":"user","content":"x"}]}"#,
            #"{"model":5,"model":"b","messages":[]}"#,
            #"{"model":"b","messages":[],"stream":true,"stream":null}"#,
            #"{"model":"b","messages":[],"tools":null,"tools":[{"function":{"name":"f"}}]}"#,
            " \n{ \"model\" : \"b\" ,\t\"messages\" : [ { \"role\" : \"user\" , \"content\" : [ ] } ] }\r\n",
            #"{"model":"b","messages":[{"role":"user","content":{"nested":[1,2,{"x":null}]}}],"unknown":{"deep":[[[]]]}}"#,
        ]
        for body in agreeing {
            let expected = try Self.viaParser(body)
            #expect(try Self.viaBody(body) == expected, "\(body)")
        }
        for broken in [#"{"model":"b","messages":[]"#, #"{"model":"b","messages":[]} x"#, #"{"model":"b","messages":[],}"#, "{\"model\":\"\u{1}\",\"messages\":[]}"] {
            #expect(Self.viaCursor(broken) == nil, "\(broken)")
            do {
                _ = try Self.viaBody(broken)
                Issue.record("accepted \(broken)")
            } catch let error as APIError {
                #expect(error.message.hasPrefix("Malformed JSON: unexpected input at byte"), "\(error.message)")
            }
        }
        var invalidUTF8 = ByteBuffer(string: #"{"model":""#)
        invalidUTF8.writeBytes([0xC3, 0x28])
        invalidUTF8.writeString(#"","messages":[]}"#)
        #expect(throws: APIError.self) { try GatewayChatRequest.decode(invalidUTF8) }
    }
}

public import ConciergeCore
import Foundation
import HTTPTypes
public import Hummingbird

/// The OpenAI-compatible gateway: `POST /v1/chat/completions`, `GET /v1/models`, `POST /v1/embeddings`.
/// Errors on these routes use OpenAI's shape, not ``ErrorBody``, so OpenAI's own clients understand them.
public struct ModelsGatewayController: Sendable {
    let chat: any ChatModel
    let embeddings: any EmbeddingModel
    let catalog: any ModelCatalog
    /// Per-key budgets; nil: none enforced.
    let budget: BudgetGuard?
    /// Per-key model tokens per minute; nil: none enforced.
    let tokens: TokenRateLimiter?
    /// Where a call's rate charges and budget reservation are made, in one transaction when the store can.
    let admission: any AdmissionStore

    /// `admission` should be the store behind `budget`, `tokens` and the access middleware's request-rate limit;
    /// nil: those stores one check at a time.
    public init(
        chat: any ChatModel, embeddings: any EmbeddingModel, catalog: any ModelCatalog, budget: BudgetGuard? = nil,
        tokens: TokenRateLimiter? = nil, admission: (any AdmissionStore)? = nil
    ) {
        self.chat = chat
        self.embeddings = embeddings
        self.catalog = catalog
        self.budget = budget
        self.tokens = tokens
        self.admission = admission ?? SequentialAdmission(rateLimits: tokens?.store, budgets: budget?.store)
    }

    public func register(on router: Router<AppRequestContext>) {
        router.post("/v1/chat/completions") { request, context in
            // The request-rate decision, when this route charged it (AccessMiddleware deferred it): its headers go on
            // every answer, as the middleware would have put them.
            var requestRate: RateLimitDecision?
            var response = try await Self.rendering { try await self.chatCompletions(request, context, requestRate: &requestRate) }
            requestRate?.apply(to: &response.headers)
            return response
        }
        router.get("/v1/models") { _, _ in try await Self.rendering { self.models() } }
        router.post("/v1/embeddings") { request, context in try await Self.rendering { try await self.embed(request, context) } }
    }

    /// A request-rate refusal, answered in the API's own error shape as when ``AccessMiddleware`` refuses.
    struct RequestRateRefused: Error {
        let decision: RateLimitDecision
    }

    /// Runs a handler and renders any error in OpenAI's shape here, before ``ErrorMiddleware`` could.
    static func rendering(_ handler: () async throws -> Response) async throws -> Response {
        do {
            return try await handler()
        } catch let refused as RequestRateRefused {
            throw APIError.rateLimited(refused.decision)
        } catch {
            return GatewayError.from(error).response
        }
    }

    func chatCompletions(_ request: Request, _ context: AppRequestContext, requestRate: inout RateLimitDecision?) async throws -> Response {
        let body: GatewayChatRequest
        var chatRequest: ChatRequest
        do {
            body = try GatewayChatRequest.decode(try await JSONBodyDecoder.body(of: request, context: context))
            chatRequest = try body.chatRequest()
            guard catalog.lists(chatRequest.model) else {
                throw LLMError(.unknownModel, "The model '\(chatRequest.model)' does not exist.")
            }
        } catch {
            // A deferred request rate is still charged, and its refusal comes first, as when the middleware charged it.
            if let charge = context.deferredRateLimit {
                let result = try await admission.admit(Admission(charges: [charge], reservation: nil, windows: [], reservationTTL: 0, now: Date()))
                requestRate = result.decisions.first
                if let decision = requestRate, !decision.allowed { throw RequestRateRefused(decision: decision) }
            }
            throw error
        }
        chatRequest.attribution = CallAttribution(requestID: context.requestID, callerID: context.principal?.id)
        chatRequest.cachePolicy = Self.cachePolicy(request.headers)
        let id = "chatcmpl-" + context.requestID
        let created = Int(Date().timeIntervalSince1970)
        let limits = context.principal?.limits ?? KeyLimits()
        if let budget { chatRequest = budget.bounded(chatRequest, limits: limits) }
        // Admitted against the caller's rates and budgets before anything is sent, in one store transaction; the
        // reservation is released once the ledger has the real cost.
        let reservation = try await admit(chatRequest, context, limits: limits, requestRate: &requestRate)
        guard body.stream == true else {
            chatRequest.attribution.operation = "chat"
            do {
                let response = try await chat.complete(chatRequest)
                await budget?.settle(reservation)
                var json = GatewayJSONWriter()
                GatewayChatResponse(response, id: id, created: created).write(to: &json)
                return Self.json(bytes: json.buffer)
            } catch {
                await budget?.settle(reservation)
                throw error
            }
        }
        chatRequest.attribution.operation = "chat.stream"
        return try await streamResponse(
            chatRequest, id: id, created: created, includeUsage: body.streamOptions?.includeUsage ?? false,
            settle: { [budget] in await budget?.settle(reservation) }
        )
    }

    /// Request rate (when deferred to this route), token rate, then budget: the first refusal throws.
    func admit(
        _ chatRequest: ChatRequest, _ context: AppRequestContext, limits: KeyLimits, requestRate: inout RateLimitDecision?
    ) async throws -> BudgetReservation? {
        var charges: [RateCharge] = []
        if let charge = context.deferredRateLimit { charges.append(charge) }
        let tokenCharge = tokens?.charge(chatRequest, principal: context.principal)
        if let tokenCharge { charges.append(tokenCharge) }
        let now = budget?.currentTime ?? Date()
        let plan = budget?.plan(chatRequest, callerID: context.principal?.id ?? "local", limits: limits, now: now)
        guard !charges.isEmpty || plan != nil else { return nil }
        let result = try await admission.admit(Admission(
            charges: charges, reservation: plan?.reservation, windows: plan?.windows ?? [], reservationTTL: budget?.reservationTTL ?? 0, now: now
        ))
        if context.deferredRateLimit != nil, let decision = result.decisions.first {
            requestRate = decision
            if !decision.allowed { throw RequestRateRefused(decision: decision) }
        }
        if tokenCharge != nil, result.decisions.count == charges.count, let decision = result.decisions.last, !decision.allowed {
            throw GatewayError(tokenLimit: decision, requested: TokenRateLimiter.tokens(of: chatRequest))
        }
        if let exceeded = result.budgetExceeded { throw exceeded }
        return plan?.reservation
    }

    /// Server-sent events. The head waits for the provider's first batch (after any fallback), so a call that fails
    /// before its first token is answered with an HTTP error in OpenAI's shape, as a plain call is. A failure after
    /// that ends the stream with an `{"error":…}` event, which OpenAI's clients raise as an API error, never `[DONE]`.
    /// A stream the provider has finished by then (a short answer, a cache hit) goes out whole, in one write.
    func streamResponse(
        _ chatRequest: ChatRequest, id: String, created: Int, includeUsage: Bool, settle: @escaping @Sendable () async -> Void = {}
    ) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let relay = GatewayStreamRelay(chat: chat, request: chatRequest, settle: settle)
        var chunks = GatewayChunkStream(id: id, created: created, model: chatRequest.model, includeUsage: includeUsage)
        // From the batch with the finish reason on, chunks are held and go out with `[DONE]` (or the error) in one
        // write: providers send the finish, the usage and their own end together, so these chunks wait only for the
        // ledger row (written before `[DONE]` anyway).
        var first = ByteBuffer()
        var finished = false
        repeat {
            switch await relay.next() {
            case .batch(let events):
                finished = chunks.write(events, to: &first) || finished
            case .end(nil):
                first.writeImmutableBuffer(GatewayChunk.done)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: first))
            case .end(let error?):
                // Before the first chunk: the call's HTTP answer. After it: the stream's last event.
                guard first.readableBytes > 0, let last = Self.lastEvent(after: error) else { throw error }
                first.writeImmutableBuffer(last)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: first))
            }
        } while finished || first.readableBytes == 0
        return Response(status: .ok, headers: headers, body: ResponseBody { [first, chunks] writer in
            var chunks = chunks
            do {
                try await writer.write(first)
                var held = ByteBuffer()
                reading: while true {
                    switch await relay.next() {
                    case .batch(let events):
                        // The events of one upstream read go out in one write (one flush, one syscall), not one each.
                        // Room for the usual chunk up front: one allocation, not a regrowth every few chunks.
                        var buffer = ByteBufferAllocator().buffer(capacity: events.count * 160)
                        let finishes = chunks.write(events, to: &buffer)
                        if held.readableBytes > 0 || finishes {
                            held.writeBuffer(&buffer)
                        } else if buffer.readableBytes > 0 {
                            try await writer.write(buffer)
                        }
                    case .end(let error):
                        // None: cancelled, the client went away; the router recorded the attempt as cancelled.
                        guard let last = Self.lastEvent(after: error) else { return }
                        held.writeImmutableBuffer(last)
                        break reading
                    }
                }
                try await writer.write(held)
                try await writer.finish(nil)
            } catch {
                await relay.cancel()  // the client went away while we wrote
            }
        })
    }

    /// What ends a stream that ended with `error`: `[DONE]` for none, the `{"error":…}` event for a model error, nothing
    /// (nil) for a cancel or an error that is not the model layer's.
    static func lastEvent(after error: (any Error)?) -> ByteBuffer? {
        guard let error else { return GatewayChunk.done }
        guard let error = error as? LLMError, error.kind != .cancelled else { return nil }
        return GatewayChunk.sse(GatewayError(error))
    }

    static let cacheHeader = HTTPField.Name("X-Concierge-Cache")!

    static func cachePolicy(_ headers: HTTPFields) -> CachePolicy {
        if let control = headers.fieldValue(.cacheControl)?.lowercased(), control.contains("no-cache") || control.contains("no-store") { return .bypass }
        if let flag = headers.fieldValue(Self.cacheHeader)?.lowercased(), flag == "prefer" { return .preferCached }
        return .automatic
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data("{}".utf8)), status: status)
    }

    static func json(bytes: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: bytes))
    }
}

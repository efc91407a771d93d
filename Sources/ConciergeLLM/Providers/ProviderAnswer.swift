import NIOCore
import NIOHTTP1

/// A provider's whole answer: status, headers and body (``ProviderTransport/exchange(_:body:deadline:)``).
struct ProviderAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    /// Nil only for an error answer whose body could not be read.
    let body: ByteBuffer?
}

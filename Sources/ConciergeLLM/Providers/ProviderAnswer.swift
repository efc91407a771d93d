import NIOCore
import NIOHTTP1

/// A provider's whole answer: status, headers and body (``ProviderTransport/exchange(_:body:timeout:)``).
struct ProviderAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    /// Empty when an error answer's body could not be read.
    let body: ByteBuffer
}

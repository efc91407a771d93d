import Foundation
public import Hummingbird

/// `GET /openapi.yaml`: the API description (`Sources/ConciergeHTTP/Resources/openapi.yaml`), shipped as a
/// resource bundle beside the binary.
public struct OpenAPIController: Sendable {
    public init() {}

    /// The bundled document's text, or nil when the resource bundle was not shipped with the binary.
    /// Looked up beside the executable rather than through `Bundle.module`, which would crash when missing.
    public static let document: String? = {
        let bundleName = "concierge_ConciergeHTTP.resources"
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName))
        for directory in candidates {
            let file = directory.appendingPathComponent("openapi.yaml")
            if let text = try? String(contentsOf: file, encoding: .utf8) { return text }
        }
        return nil
    }()

    public func register(on router: Router<AppRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            guard let document = Self.document else {
                throw APIError.notFound("The OpenAPI document was not shipped with this binary.")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document)))
        }
    }
}

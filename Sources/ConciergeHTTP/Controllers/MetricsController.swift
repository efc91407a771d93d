public import Hummingbird
public import Prometheus

/// `GET /metrics`: the Prometheus text exposition of every metric, refreshed process metrics first.
public struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let process: ProcessMetrics

    public init(registry: PrometheusCollectorRegistry, process: ProcessMetrics) {
        self.registry = registry
        self.process = process
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { _, _ in
            process.update()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}

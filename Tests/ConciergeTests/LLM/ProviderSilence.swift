import Synchronization

/// A provider's silence that lasts until the test is done with it (`ProviderFixture.withServer` ends it after the
/// test's body) or a minute has passed. A test that a limit ends a call asserts `!broken`: the call ended while the
/// provider was still silent, so the limit ended it and not the provider, however slowly the machine ran.
final class ProviderSilence: Sendable {
    private let state = Mutex<(ended: Bool, broken: Bool)>((false, false))

    /// Whether the provider has spoken again after a silence.
    var broken: Bool { state.withLock { $0.broken } }

    /// Keeps silent until `end()` or a minute, then notes the silence broken.
    func hold() async throws {
        let start = ContinuousClock.now
        while !state.withLock({ $0.ended }), ContinuousClock.now - start < .seconds(60) {
            try await Task.sleep(for: .milliseconds(20))
        }
        state.withLock { $0.broken = true }
    }

    func end() { state.withLock { $0.ended = true } }
}

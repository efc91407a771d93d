/// When the store's ``WALCheckpointer`` runs and when it makes the WAL restart from its start.
package struct WALCheckpointPolicy: Sendable {
    /// The WAL size that triggers a checkpoint.
    package var threshold: Int64
    /// The frames in the WAL, in bytes, past which a checkpoint also makes the WAL restart (the passive checkpoints
    /// beside the commits let it grow that far).
    package var restartThreshold: Int64
    /// How often the WAL's size is checked.
    package var interval: Duration

    package init(
        threshold: Int64 = 4 << 20, restartThreshold: Int64 = 32 << 20, interval: Duration = .milliseconds(100)
    ) {
        self.threshold = threshold
        self.restartThreshold = restartThreshold
        self.interval = interval
    }
}

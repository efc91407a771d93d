/// The version this binary reports in `concierge version` and `/health/ready`.
public enum ConciergeVersion {
    public static let current = "0.1.0"
}

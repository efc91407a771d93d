public import Foundation

/// Spend per caller and UTC day, kept beside the ledger (migration 6, `budget_spend`) so that a budget check reads at
/// most 31 small rows instead of summing every ledger row of the caller's month.
public enum BudgetSpend {
    public static let secondsPerDay = 86_400.0

    /// The UTC day number of `date` (days since 1970-01-01).
    public static func day(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / secondsPerDay).rounded(.down))
    }

    /// Whether `date` is a UTC midnight, where the per-day sums answer exactly (every budget window starts at one).
    public static func isDayStart(_ date: Date) -> Bool {
        date.timeIntervalSince1970.truncatingRemainder(dividingBy: secondsPerDay) == 0
    }

    /// The rows' costs summed per caller and day, sorted (so concurrent writers update rows in one order).
    public static func increments(_ records: [UsageRecord]) -> [(callerID: String, day: Int, cost: Int64)] {
        var sums: [String: [Int: Int64]] = [:]
        for record in records where record.cost.value != 0 {
            guard let caller = record.callerID else { continue }
            sums[caller, default: [:]][day(record.time), default: 0] += record.cost.value
        }
        return sums.keys.sorted().flatMap { caller in
            sums[caller]!.keys.sorted().map { (caller, $0, sums[caller]![$0]!) }
        }
    }
}

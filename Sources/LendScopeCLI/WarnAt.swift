import ArgumentParser
import MarketAnalytics

/// `--warn-at F`, shared by the dashboard and `report`: an exposure at or above F × a cap, within
/// the cap, is an early warning.
enum WarnAt {
    static let valueName = "fraction"

    static let help = "Early warning: an exposure at or above this fraction of a co-lending cap, within it, is an alert "
        + "with status 'warning' (default \(ColendingCap.defaultWarnAt); 0: off)"

    /// A value outside 0…1 is an argument error that says what is allowed.
    static func validate(_ value: Double) throws {
        guard value.isFinite, (0...1).contains(value) else {
            throw ValidationError("--warn-at takes a fraction of the cap from 0 to 1 (0.8: warn at 80%; 0: off), not \(value)")
        }
    }
}

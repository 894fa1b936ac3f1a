import ArgumentParser
import MarketAnalytics

/// `--min-cell N`, shared by the commands that show or write over-indebtedness and stacking
/// figures: the dashboard (10 in a read-only kiosk), `report` and `aggregate --indebtedness` (off).
enum MinCell {
    static let valueName = "n"

    static let help = "Hide every over-indebtedness and stacking figure that counts fewer than n borrowers "
        + "(the largest debt always; 0 or 1: off)"

    /// A value outside 0…1,000,000 is an argument error that says what is allowed.
    static func validate(_ value: Int?) throws {
        if let value, !SmallCellRule.range.contains(value) {
            throw ValidationError("--min-cell takes a number of borrowers from 0 to 1000000 (0 or 1: off), not \(value)")
        }
    }

    static func rule(_ value: Int?, default fallback: Int = 0) -> SmallCellRule {
        SmallCellRule(minimum: value ?? fallback)
    }
}

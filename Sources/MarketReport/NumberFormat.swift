/// Number formats shared by every text output; fixed, locale-independent (reports are
/// compared and pasted, so `1,732.0` must not become `1.732,0` on another machine).
public enum NumberFormat {
    /// `value` with `decimals` digits after the point and thousands grouped by commas.
    /// Any finite value formats, however large: past 2^53 the digits come from the C library
    /// instead of 64-bit integers (which would trap).
    public static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        let negative = value < 0
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        if !(scaled < 9e15) {
            let plain = String(format: "%.\(max(0, decimals))f", abs(value))
            let parts = plain.split(separator: ".", maxSplits: 1)
            var digits = String(parts[0])
            var groups: [Substring] = []
            while digits.count > 3 {
                groups.insert(digits.suffix(3), at: 0)
                digits.removeLast(3)
            }
            groups.insert(Substring(digits), at: 0)
            return (negative ? "-" : "") + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
        }
        let integerPart = (scaled / scale).rounded(.down)
        let fraction = scaled - integerPart * scale
        var digits = String(Int64(integerPart))
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        var text = groups.joined(separator: ",")
        if decimals > 0 {
            let fractionText = String(Int64(fraction))
            text += "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
        }
        let isZero = scaled == 0
        return (negative && !isZero ? "-" : "") + text
    }

    /// A fraction as a percentage: 0.21 → `21.00%`.
    public static func percent(_ fraction: Double, decimals: Int = 2) -> String {
        grouped(fraction * 100, decimals: decimals) + "%"
    }

    /// A fraction as a percentage with enough decimals (up to 12) that a value other than `limit`
    /// never reads as equal to it: 0.250004 against 0.25 is `25.0004%`, not `25.0%`.
    public static func percent(_ fraction: Double, decimals: Int, distinctFrom limit: Double) -> String {
        var places = decimals
        var text = percent(fraction, decimals: places)
        while fraction != limit, places < 12, text == percent(limit, decimals: places) {
            places += 1
            text = percent(fraction, decimals: places)
        }
        return text
    }

    /// Yuan in billions with enough decimals (2 to 9) that a positive amount never reads as zero.
    public static func billionsNonZero(_ yuan: Double) -> String {
        var places = 2
        while yuan > 0, places < 9, grouped(yuan / 1e9, decimals: places) == grouped(0, decimals: places) { places += 1 }
        let text = grouped(yuan / 1e9, decimals: places)
        return yuan > 0 && text == grouped(0, decimals: places) ? "<0.000000001" : text
    }

    /// A signed change in percentage points: `+1.36`, `-0.40`, `0.00`.
    public static func signed(_ value: Double, decimals: Int = 2) -> String {
        let text = grouped(value, decimals: decimals)
        return value > 0 && text != grouped(0, decimals: decimals) ? "+" + text : text
    }

    /// Yuan in billions: 1.732e12 → `1,732.0`.
    public static func billions(_ yuan: Double, decimals: Int = 1) -> String {
        grouped(yuan / 1e9, decimals: decimals)
    }

    /// Yuan in millions: 1.5e8 → `150.0`.
    public static func millions(_ yuan: Double, decimals: Int = 1) -> String {
        grouped(yuan / 1e6, decimals: decimals)
    }

    /// Yuan in the unit a measure is shown in: billions for balances, millions for new lending.
    public static func amount(_ yuan: Double, originations: Bool) -> String {
        originations ? millions(yuan) : billions(yuan)
    }

    public static func optional(_ value: Double?, _ format: (Double) -> String) -> String {
        value.map(format) ?? "n/a"
    }
}

import Foundation

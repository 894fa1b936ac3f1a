/// Parses the only number format data files may use: an optional minus sign, digits, and an
/// optional fraction (`1732.0`, `-0.5`). Anything else is refused with the reason, because a
/// thousands separator or a percent sign silently misread is a wrong figure on a regulator's screen.
enum PlainDecimal {
    /// The largest amount accepted anywhere (a balance, a capital, a total), in yuan: CNY 10^15
    /// (1,000 trillion), several times China's total bank loans. A bigger figure is a typo or an
    /// attack, and sums of such figures would lose the cents that the rules compare.
    static let maximumYuan = 1e15
    /// USD/CNY rates accepted: 0.01 to 1,000 yuan per dollar.
    static let exchangeRates = 0.01...1_000.0

    /// True when the decimal `text` × 10^`exponent` is above `limit`, decided on the digits, not
    /// on the nearest double (1000000000000000.06 rounds to 10^15 but is above it).
    static func exceeds(_ text: String, exponent: Int, limit: Double) -> Bool {
        guard case .success(let value) = parse(text, exponent: exponent) else { return false }
        if value != limit { return value > limit }
        // At the limit after rounding: compare exactly, digit by digit.
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var scale = exponent - (parts.count > 1 ? parts[1].count : 0)
        while digits.count > 1 && digits.hasPrefix("0") { digits.removeFirst() }
        let limitDigits = String(Int64(limit))
        // Bring both to the same scale: value = digits × 10^scale, limit = limitDigits × 10^0.
        if scale >= 0 {
            digits += String(repeating: "0", count: scale)
            scale = 0
        }
        let padded = limitDigits + String(repeating: "0", count: -scale)
        if digits.count != padded.count { return digits.count > padded.count }
        return digits > padded
    }

    enum Problem: Error, Equatable {
        case empty
        case thousandsSeparator
        case currencySign
        case percentSign
        case exponent
        case surroundingSpace
        case plusSign
        /// So many digits that no double holds the value (a 400-digit "balance").
        case tooLarge
        case other

        func describe(_ text: String) -> String {
            switch self {
            case .empty: return "empty value where a number is required"
            case .thousandsSeparator: return "'\(text)' is not a plain decimal number (thousands separator)"
            case .currencySign: return "'\(text)' is not a plain decimal number (currency sign)"
            case .percentSign: return "'\(text)' is not a plain decimal number (percent sign)"
            case .exponent: return "'\(text)' is not a plain decimal number (exponent notation)"
            case .surroundingSpace: return "'\(text)' is not a plain decimal number (spaces around it)"
            case .plusSign: return "'\(text)' is not a plain decimal number (plus sign)"
            case .tooLarge: return "'\(text.prefix(24))\(text.count > 24 ? "…" : "")' is too large to be a figure"
            case .other: return "'\(text)' is not a plain decimal number"
            }
        }
    }

    /// The value of `text` × 10^`exponent`, correctly rounded once (the digits and the unit's
    /// power of ten are combined before conversion, so `78.480` billion is exactly 78,480,000,000).
    static func parse(_ text: String, exponent: Int = 0) -> Result<Double, Problem> {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return .failure(.empty) }
        if bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ") { return .failure(.surroundingSpace) }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var wellFormed = i < bytes.count
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                digits.append(b)
                if seenPoint { fractionDigits += 1 }
            } else if b == UInt8(ascii: "."), !seenPoint, !digits.isEmpty {
                seenPoint = true
            } else {
                wellFormed = false
                break
            }
            i += 1
        }
        if seenPoint && fractionDigits == 0 { wellFormed = false }
        if !wellFormed || digits.isEmpty {
            if text.contains(",") || text.contains("_") || text.contains("'") { return .failure(.thousandsSeparator) }
            if text.unicodeScalars.contains(where: { "¥$€£元￥".unicodeScalars.contains($0) }) || text.hasPrefix("RMB")
                || text.hasPrefix("CNY") { return .failure(.currencySign) }
            if text.contains("%") { return .failure(.percentSign) }
            if text.contains("e") || text.contains("E") { return .failure(.exponent) }
            if text.hasPrefix("+") { return .failure(.plusSign) }
            if text.contains(" ") { return .failure(.thousandsSeparator) }
            return .failure(.other)
        }
        let mantissa = String(decoding: digits, as: UTF8.self)
        guard let value = Double("\(negative ? "-" : "")\(mantissa)e\(exponent - fractionDigits)") else {
            return .failure(.other)
        }
        guard value.isFinite else { return .failure(.tooLarge) }
        return .success(value)
    }
}

/// A reporting period: a calendar quarter (`2020Q2`) or month (`2020-06`).
///
/// A data directory uses one granularity throughout, so periods of different
/// granularities never need to be compared; ordering is by year, then index.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Granularity: String, Sendable {
        case quarter
        case month
    }

    public let year: Int
    /// 1–4 for quarters, 1–12 for months.
    public let index: Int
    public let granularity: Granularity

    public init?(quarter: Int, of year: Int) {
        guard (1...4).contains(quarter), (1...9999).contains(year) else { return nil }
        self.year = year
        self.index = quarter
        self.granularity = .quarter
    }

    public init?(month: Int, of year: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year
        self.index = month
        self.granularity = .month
    }

    /// Parses `YYYYQn` or `YYYY-MM`; nil for anything else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let b = bytes[i]
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            return value
        }
        if bytes.count == 6, bytes[4] == UInt8(ascii: "Q"), let y = digits(0..<4), let q = digits(5..<6) {
            self.init(quarter: q, of: y)
        } else if bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let y = digits(0..<4), let m = digits(5..<7) {
            self.init(month: m, of: y)
        } else {
            return nil
        }
    }

    public var description: String {
        switch granularity {
        case .quarter: return "\(Self.pad(year, 4))Q\(index)"
        case .month: return "\(Self.pad(year, 4))-\(Self.pad(index, 2))"
        }
    }

    /// The last day of the period: the date whose FX rate converts its balances.
    public var endDate: CalendarDate {
        let lastMonth = granularity == .quarter ? index * 3 : index
        return CalendarDate(year: year, month: lastMonth, day: CalendarDate.daysIn(month: lastMonth, of: year))!
    }

    /// The first day of the period.
    public var startDate: CalendarDate {
        CalendarDate(year: year, month: granularity == .quarter ? index * 3 - 2 : index, day: 1)!
    }

    /// True when `date` falls within the period.
    public func contains(_ date: CalendarDate) -> Bool {
        startDate <= date && date <= endDate
    }

    /// The calendar period just before this one (2021Q1 → 2020Q4, 2021-01 → 2020-12); nil before year 1.
    public var previous: Period? {
        switch granularity {
        case .quarter: return index > 1 ? Period(quarter: index - 1, of: year) : Period(quarter: 4, of: year - 1)
        case .month: return index > 1 ? Period(month: index - 1, of: year) : Period(month: 12, of: year - 1)
        }
    }

    /// How many periods of this granularity one is per year.
    private var perYear: Int { granularity == .quarter ? 4 : 12 }

    /// Periods from `other` to this one (positive when this one is later); both of one granularity.
    public func distance(from other: Period) -> Int {
        (year * perYear + index) - (other.year * other.perYear + other.index)
    }

    /// The period `count` periods later (earlier when negative); nil outside years 1–9999.
    public func advanced(by count: Int) -> Period? {
        let (ordinal, overflow) = (year * perYear + index - 1).addingReportingOverflow(count)
        guard !overflow, ordinal >= 0 else { return nil }
        let (y, i) = ordinal.quotientAndRemainder(dividingBy: perYear)
        return granularity == .quarter ? Period(quarter: i + 1, of: y) : Period(month: i + 1, of: y)
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.year, lhs.index) < (rhs.year, rhs.index)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A day in the proleptic Gregorian calendar, without time or zone: FX rates are dated by day.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, of: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses ISO `YYYY-MM-DD`; nil when malformed or not a real day.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        var fields = [0, 0, 0]
        for (n, range) in [0..<4, 5..<7, 8..<10].enumerated() {
            for i in range {
                let b = bytes[i]
                guard b >= 0x30, b <= 0x39 else { return nil }
                fields[n] = fields[n] * 10 + Int(b - 0x30)
            }
        }
        self.init(year: fields[0], month: fields[1], day: fields[2])
    }

    public var description: String {
        "\(Period.pad(year, 4))-\(Period.pad(month, 2))-\(Period.pad(day, 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func days(inMonth month: Int, of year: Int) -> Int { daysIn(month: month, of: year) }

    static func daysIn(month: Int, of year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

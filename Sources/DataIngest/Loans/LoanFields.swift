#if canImport(Glibc)
import Glibc
#endif
import MarketAnalytics

/// Decoding of the loan file's fields from bytes: amounts to integer cents, dates to period keys,
/// statuses, and a hash for names and borrower IDs. Each has a general form that accepts every
/// valid spelling and a fast form for the common one (`12345.67`, a date in a month seen before)
/// that the row loop tries first; the fast forms return nil for anything else, never a wrong value.
enum LoanFields {
    /// Digits, then optionally a point and one or two digits: the amount in cents, exactly.
    static func cents(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0, n <= 18 else { return nil }
        var value: Int64 = 0
        var i = 0
        var digits = 0
        while i < n && p[i] >= 0x30 && p[i] <= 0x39 { value = value * 10 + Int64(p[i] - 0x30); i += 1; digits += 1 }
        guard digits > 0 else { return nil }
        var decimals = 0
        if i < n {
            guard p[i] == UInt8(ascii: "."), i + 1 < n, n - i - 1 <= 2 else { return nil }
            i += 1
            while i < n {
                guard p[i] >= 0x30 && p[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(p[i] - 0x30)
                decimals += 1
                i += 1
            }
        }
        // Eighteen digits fit in 64 bits, but not always once scaled to cents.
        let (scaled, overflow) = value.multipliedReportingOverflow(by: decimals == 2 ? 1 : decimals == 1 ? 10 : 100)
        return overflow ? nil : scaled
    }

    /// `D.DD` with one to eight integer digits, the form nearly every amount takes: the integer
    /// part is checked and converted as one word (eight digits in three multiplies). The eight
    /// bytes at `p` must be readable.
    @inline(__always)
    static func centsFast(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        let integerDigits = n &- 3
        guard UInt(bitPattern: integerDigits &- 1) < 8, p[integerDigits] == UInt8(ascii: ".") else { return nil }
        let fraction1 = Int64(p[n - 2]) &- 0x30, fraction2 = Int64(p[n - 1]) &- 0x30
        guard UInt64(bitPattern: fraction1) < 10, UInt64(bitPattern: fraction2) < 10 else { return nil }
        // The integer digits moved to the top bytes, '0's in front: "00012345".
        let raw = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        // Masking shifts, all amounts in range: 8 digits shift the '0's out in two steps (63 + 1).
        let padded = raw &<< UInt64(truncatingIfNeeded: 64 &- 8 &* integerDigits)
            | (0x3030_3030_3030_3030 &>> UInt64(truncatingIfNeeded: 8 &* integerDigits &- 1)) &>> 1
        let x = padded ^ 0x3030_3030_3030_3030
        guard (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080 == 0 else { return nil }
        var value = x &* 10 &+ (x >> 8)
        value = ((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
                 &+ ((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
        return Int64(value & 0xFFFF_FFFF) &* 100 &+ fraction1 &* 10 &+ fraction2
    }

    /// `YYYY-MM-DD` → the period key (year*12 + month − 1, or year*4 + quarter − 1) and the
    /// month's last day; nil if not a real date. The first eight bytes are checked as one word.
    static func date(_ p: UnsafePointer<UInt8>, _ n: Int, _ granularity: Period.Granularity) -> (key: UInt64, lastDay: Int)? {
        guard let parts = civil(p, n) else { return nil }
        let (year, month) = (parts.year, parts.month)
        let key = granularity == .quarter ? UInt64(year * 4 + (month - 1) / 3) : UInt64(year * 12 + month - 1)
        return (key, parts.lastDay)
    }

    /// `YYYY-MM-DD` → year, month, day and the month's last day; nil if not a real date.
    static func civil(_ p: UnsafePointer<UInt8>, _ n: Int) -> (year: Int, month: Int, day: Int, lastDay: Int)? {
        guard n == 10 else { return nil }
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        // Bytes 4 and 7 are dashes; bytes 0–3, 5, 6 are digits (x < 10 after removing '0').
        guard (word >> 32) & 0xFF == 0x2D, word >> 56 == 0x2D else { return nil }
        let x = word ^ 0x3030_3030_3030_3030
        let notDigit = (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & 0x0080_8000_8080_8080
        let d8 = Int(p[8]) &- 0x30, d9 = Int(p[9]) &- 0x30
        guard notDigit == 0, UInt(bitPattern: d8) < 10, UInt(bitPattern: d9) < 10 else { return nil }
        let year = Int(x & 0xFF) * 1000 + Int(x >> 8 & 0xFF) * 100 + Int(x >> 16 & 0xFF) * 10 + Int(x >> 24 & 0xFF)
        let month = Int(x >> 40 & 0xFF) * 10 + Int(x >> 48 & 0xFF)
        let day = d8 * 10 + d9
        guard year >= 1, month >= 1, month <= 12 else { return nil }
        let lastDay = CalendarDate.days(inMonth: month, of: year)
        guard day >= 1, day <= lastDay else { return nil }
        return (year, month, day, lastDay)
    }

    /// Days since 1970-01-01 (see `CalendarDate.dayNumber`).
    @inline(__always)
    static func dayNumber(year: Int, month: Int, day: Int) -> Int { CalendarDate.dayNumber(year: year, month: month, day: day) }

    /// The period key of a day number (the inverse of `dayNumber`, then the key).
    static func periodKey(ofDay days: Int, _ granularity: Period.Granularity) -> UInt64 {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return granularity == .quarter ? UInt64(max(0, year * 4 + (month - 1) / 3)) : UInt64(max(0, year * 12 + month - 1))
    }

    /// The day number of a period's last day.
    static func lastDay(ofPeriod key: UInt64, _ granularity: Period.Granularity) -> Int {
        let k = Int(key)
        let (year, month) = granularity == .quarter ? (k / 4, (k % 4) * 3 + 3) : (k / 12, k % 12 + 1)
        return dayNumber(year: year, month: month, day: CalendarDate.days(inMonth: month, of: year))
    }

    /// Digits only, 1 to 9 of them, at least 1: a term in days.
    @inline(__always)
    static func term(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        guard n >= 1, n <= 9 else { return nil }
        var value = 0
        for i in 0..<n {
            let digit = Int(p[i]) &- 0x30
            guard UInt(bitPattern: digit) < 10 else { return nil }
            value = value &* 10 &+ digit
        }
        return value >= 1 ? value : nil
    }

    /// A non-negative decimal with up to 9 integer and 9 fraction digits, in billionths
    /// (`0.2041` → 204,100,000): rates compared with thresholds exactly.
    @inline(__always)
    static func billionths(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n >= 1 else { return nil }
        var integer: Int64 = 0, fraction: Int64 = 0
        var i = 0, integerDigits = 0
        while i < n, p[i] >= 0x30, p[i] <= 0x39 { integer = integer * 10 + Int64(p[i] - 0x30); i += 1; integerDigits += 1 }
        guard integerDigits <= 9 else { return nil }
        var fractionDigits = 0
        if i < n {
            guard p[i] == UInt8(ascii: "."), i + 1 < n else { return nil }
            i += 1
            while i < n {
                guard p[i] >= 0x30, p[i] <= 0x39, fractionDigits < 9 else { return nil }
                fraction = fraction * 10 + Int64(p[i] - 0x30)
                fractionDigits += 1
                i += 1
            }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        for _ in fractionDigits..<9 { fraction *= 10 }
        return integer * 1_000_000_000 + fraction
    }

    /// The five statuses by length and one masked word compare each.
    @inline(__always)
    static func status(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let raw = UnsafeRawPointer(p)
        switch n {
        case 7:
            let word = raw.loadUnaligned(as: UInt64.self) & 0x00FF_FFFF_FFFF_FFFF
            return word == current ? 0 : word == overdue ? 2 : word == defaulted ? 3 : nil
        case 6:
            return raw.loadUnaligned(as: UInt64.self) & 0xFFFF_FFFF_FFFF == repaid ? 1 : nil
        case 11:
            return raw.loadUnaligned(as: UInt64.self) == written && raw.loadUnaligned(fromByteOffset: 7, as: UInt32.self) == off
                ? 4 : nil
        default:
            return nil
        }
    }

    // Little-endian words of the status spellings.
    private static let current: UInt64 = 0x0074_6E65_7272_7563   // "current"
    private static let overdue: UInt64 = 0x0065_7564_7265_766F   // "overdue"
    private static let defaulted: UInt64 = 0x0074_6C75_6166_6564 // "default"
    private static let repaid: UInt64 = 0x6469_6170_6572         // "repaid"
    private static let written: UInt64 = 0x5F6E_6574_7469_7277   // "written_"
    private static let off: UInt32 = 0x6666_6F5F                 // "_off"

    /// A 64-bit hash of bytes. Up to 16 bytes (every platform and bank name in practice) it is two
    /// masked word loads and a mix; longer input goes a word at a time. The 16 bytes at `p` must be
    /// readable whatever `n` is.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        var h: UInt64
        if n <= 16 {
            let low = raw.loadUnaligned(as: UInt64.self) & (n == 0 ? 0 : UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- 8 &* min(n, 8)))
            // Branch-free: names of 8 bytes or less mask the second word to nothing.
        let high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & (n > 8 ? UInt64.max &>> UInt64(truncatingIfNeeded: 128 &- 8 &* n) : 0)
            h = (low ^ UInt64(n) &* 0x9E37_79B9_7F4A_7C15) &* 0xD6E8_FEB8_6659_FD93
            h = (h ^ h >> 32 ^ high) &* 0xFF51_AFD7_ED55_8CCD
        } else {
            h = 0xCBF2_9CE4_8422_2325 ^ UInt64(n)
            var i = 0
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                i += 8
            }
            // The last bytes as one word, overlapping the previous one (n > 16, so it starts in bounds).
            h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

/// The months a thread has met, by the word `YYYY-MM-`: a hit leaves only the day to check.
///
/// Indexed by the low nibbles of the year's last two digits and the month's digits (16 bits,
/// two shifts), so the months of any century never evict each other; filled only with words
/// whose year and month were fully checked, and a hit compares the whole word.
struct DateCache {
    private static let size = 1 << 16
    /// Four words an entry: the word; the period slot in the high half and the month's last day
    /// in the low half; the day number of the month's day 0; the day number of the period's last
    /// day. Zeroed by `calloc`, so untouched pages cost no memory.
    private let entries = UnsafeMutablePointer<UInt64>(OpaquePointer(calloc(DateCache.size * 4, 8)!))

    func release() { free(entries) }

    @inline(__always)
    private static func index(_ word: UInt64) -> Int {
        // Bytes 2, 3 (year tens, units), 5 and 6 (month tens, units): their low nibbles land in
        // bits 0–3 and 8–11, and 4 and 12–15 after the second shift.
        let nibbles = (word >> 16) & 0x0F_0100_0F0F
        return Int(truncatingIfNeeded: (nibbles | nibbles >> 20) & 0xFFFF)
    }

    /// The period slot of a `YYYY-MM-DD` field (10 bytes) whose month is cached and day valid.
    @inline(__always)
    func slot(_ p: UnsafePointer<UInt8>) -> Int? {
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let entry = entries + Self.index(word) &* 4
        guard entry[0] == word else { return nil }  // never 0 for a cached word: it has dashes
        let tens = Int(p[8]) &- 0x30, units = Int(p[9]) &- 0x30
        guard UInt(bitPattern: tens) < 10, UInt(bitPattern: units) < 10 else { return nil }
        let day = tens &* 10 &+ units
        let value = entry[1]
        guard day >= 1, day <= Int(truncatingIfNeeded: value & 0xFFFF_FFFF) else { return nil }
        return Int(truncatingIfNeeded: value >> 32)
    }

    /// The date's day number and its period's last day, for a field `slot` accepted.
    @inline(__always)
    func days(_ p: UnsafePointer<UInt8>) -> (day: Int, periodEnd: Int) {
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let entry = entries + Self.index(word) &* 4
        let day = (Int(p[8]) &- 0x30) &* 10 &+ (Int(p[9]) &- 0x30)
        return (Int(Int64(bitPattern: entry[2])) &+ day, Int(Int64(bitPattern: entry[3])))
    }

    /// Remembers the month of a date that passed `LoanFields.date`.
    func remember(_ p: UnsafePointer<UInt8>, slot: Int, lastDay: Int, monthStart: Int, periodEnd: Int) {
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let entry = entries + Self.index(word) &* 4
        entry[0] = word
        entry[1] = UInt64(slot) << 32 | UInt64(lastDay)
        entry[2] = UInt64(bitPattern: Int64(monthStart - 1))
        entry[3] = UInt64(bitPattern: Int64(periodEnd))
    }
}

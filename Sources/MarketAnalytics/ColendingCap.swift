/// The two co-lending caps of the February 2021 notice, as data: limit, base, text and dates.
///
/// CBIRC General Office, 关于进一步规范商业银行互联网贷款业务的通知 (银保监办发〔2021〕24号),
/// published 2021-02-20:
/// - item 3: "与单一合作方（含其关联方）发放的本行贷款余额不得超过本行一级资本净额的25%" — the balance
///   of loans co-funded with a single partner (including its related parties) shall not exceed 25%
///   of the bank's net tier-1 capital;
/// - item 4: "商业银行与全部合作机构共同出资发放的互联网贷款余额不得超过本行全部贷款余额的50%" — internet
///   loans co-funded with all partners shall not exceed 50% of the bank's total loans.
/// "Not exceed" allows the cap itself: exactly 25% (or 50%) is within it, anything above breaches.
/// Both are defined on outstanding balances, so they are measured on balances whatever the
/// dashboard's measure.
public enum ColendingCap: String, CaseIterable, Sendable {
    case singlePartner = "single_partner_exposure"
    case aggregate = "aggregate_colending"

    /// The cap as a fraction of its base.
    public var limit: Double {
        switch self {
        case .singlePartner: return 0.25
        case .aggregate: return 0.50
        }
    }

    /// What the cap is a fraction of.
    public var base: String {
        switch self {
        case .singlePartner: return "net tier-1 capital"
        case .aggregate: return "total loans"
        }
    }

    /// The day the notice was issued: periods ending before it are measured against the cap
    /// ("would breach") but are not breaches of a rule in force (`RuleCalendar`).
    public static let inForceFrom = RuleCalendar.noticeIssued

    public static let source = RuleCalendar.noticeSource

    /// The operative sentence, as quoted in the UI's detail line.
    public var operativeText: String {
        switch self {
        case .singlePartner:
            return "item 3: the balance co-funded with a single partner (including its related parties) shall not "
                + "exceed 25% of the bank's net tier-1 capital"
        case .aggregate:
            return "item 4: internet loans co-funded with all partners shall not exceed 50% of the bank's total loans"
        }
    }

    /// True when a period ending on `date` falls under the rule, in transition or fully.
    public static func isInForce(on date: CalendarDate) -> Bool { state(on: date).applies }

    /// The rule's state at a period ending on `date` (`RuleCalendar.capState`).
    public static func state(on date: CalendarDate) -> RuleCalendar.State { RuleCalendar.capState(on: date) }

    /// The default early-warning level: 80% of the cap.
    public static let defaultWarnAt = 0.8

    /// True when `amount` is within the cap on `base` but at or above `warnAt` × the cap.
    /// `warnAt` 0 turns warnings off.
    public func isWarning(amount: Double, base: Double, warnAt: Double) -> Bool {
        guard warnAt > 0, !isBreached(amount: amount, base: base) else { return false }
        // "At or above": F × limit × base rounds in binary (0.81 × 0.25 × 5 bn), so the ratio in
        // whole fen is compared with a hair of tolerance, far below a fen.
        return Self.ratio(amount, base) / limit >= warnAt * (1 - 1e-12)
    }

    /// True when `amount` passes the cap on `base`. Compared in whole fen, as `amount × 4 > base`
    /// (× 2 for 50%): a balance is stated to the fen at most, and a sum of several balances in
    /// floating point may land a hair above an exact quarter, which is still exactly 25%.
    public func isBreached(amount: Double, base: Double) -> Bool {
        guard let a = Self.fen(amount), let b = Self.fen(base) else { return amount > limit * base }
        let (scaled, overflow) = a.multipliedReportingOverflow(by: denominator)
        return overflow ? amount > limit * base : scaled > b
    }

    /// `amount / base`, from whole fen: exactly 0.25 when the amount is exactly a quarter.
    public static func ratio(_ amount: Double, _ base: Double) -> Double {
        guard let a = fen(amount), let b = fen(base), b != 0 else { return amount / base }
        return Double(a) / Double(b)
    }

    /// 4 for the 25% cap, 2 for the 50% cap: the limit as 1 / denominator.
    var denominator: Int64 { self == .singlePartner ? 4 : 2 }

    /// Yuan as whole fen, rounded; nil past 64 bits.
    static func fen(_ yuan: Double) -> Int64? {
        let value = (yuan * 100).rounded()
        guard value.isFinite, abs(value) < 9.2e18 else { return nil }
        return Int64(value)
    }
}

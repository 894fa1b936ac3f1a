/// A competition guideline whose HHI and share thresholds LendScope applies, kept as data
/// (title, issuer, date, rule text) so that every verdict can cite what it applied.
public enum Guideline: String, CaseIterable, Sendable, Codable {
    case us2023
    case us2010
    case eu2004
    case chinaAML = "china_aml"

    public var title: String {
        switch self {
        case .us2023: return "US Merger Guidelines 2023"
        case .us2010: return "US Horizontal Merger Guidelines 2010"
        case .eu2004: return "EU Horizontal Merger Guidelines 2004"
        case .chinaAML: return "China Anti-Monopoly Law presumptions"
        }
    }

    public var shortTitle: String {
        switch self {
        case .us2023: return "US 2023"
        case .us2010: return "US 2010"
        case .eu2004: return "EU 2004"
        case .chinaAML: return "China AML"
        }
    }

    public var issuer: String {
        switch self {
        case .us2023: return "US DOJ and FTC"
        case .us2010: return "US DOJ and FTC"
        case .eu2004: return "European Commission (OJ C 31)"
        case .chinaAML: return "PRC Anti-Monopoly Law, art. 19 (2008) / art. 24 (from 2022-08-01)"
        }
    }

    /// The date the text was issued, ISO.
    public var date: String {
        switch self {
        case .us2023: return "2023-12-18"
        case .us2010: return "2010-08-19"
        case .eu2004: return "2004-02-05"
        case .chinaAML: return "2008-08-01"
        }
    }

    /// The rule as applied, in one paragraph.
    public var ruleText: String {
        switch self {
        case .us2023:
            return "Markets with HHI above 1,800 are highly concentrated; a merger is presumed to substantially lessen "
                + "competition if it creates or enhances a highly concentrated market (post-merger HHI > 1,800 and "
                + "ΔHHI > 100) or gives a firm a share above 30% with ΔHHI > 100."
        case .us2010:
            return "HHI below 1,500 is unconcentrated, 1,500–2,500 moderately concentrated, above 2,500 highly "
                + "concentrated; ΔHHI below 100 is unlikely to have adverse effects; in a highly concentrated market "
                + "ΔHHI above 200 is presumed likely to enhance market power."
        case .eu2004:
            return "Concerns are unlikely where post-merger HHI is below 1,000, between 1,000 and 2,000 with "
                + "ΔHHI below 250, or above 2,000 with ΔHHI below 150; a combined share not above 25% is presumed "
                + "compatible; a share of 50% or more may itself be evidence of a dominant position."
        case .chinaAML:
            return "Dominance may be presumed where one undertaking reaches 1/2 of the market, two together 2/3, "
                + "or three together 3/4; in the two- and three-firm cases an undertaking below 1/10 is not itself "
                + "presumed dominant, though its share counts in the joint sum."
        }
    }
}

/// How serious a verdict is; UIs map it to emphasis, never to colour alone.
public enum Severity: Int, Comparable, Sendable {
    case clear = 0
    case watch = 1
    case concern = 2

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A guideline applied to one market or one merger.
public struct Verdict: Sendable {
    public let guideline: Guideline
    public let severity: Severity
    /// What the guideline says about the figures, e.g. "moderately concentrated".
    public let finding: String
    /// The threshold that decided the finding, e.g. "1,500 ≤ HHI ≤ 2,500".
    public let threshold: String
    /// China AML only: the presumption as applied (who is presumed dominant, which article).
    public let presumption: ChinaAMLPresumption?
    /// True when the HHI bounds fall on both sides of a threshold, so the finding is a range.
    public let straddles: Bool

    public init(guideline: Guideline, severity: Severity, finding: String, threshold: String,
                presumption: ChinaAMLPresumption? = nil, straddles: Bool = false) {
        self.guideline = guideline
        self.severity = severity
        self.finding = finding
        self.threshold = threshold
        self.presumption = presumption
        self.straddles = straddles
    }
}

extension Guideline {
    /// True when the guideline applied on `date`: US 2010 from 2010-08-19 until the 2023
    /// guidelines superseded it on 2023-12-18, US 2023 from then, EU 2004 from 2004-02-05, the AML
    /// from 2008-08-01. A verdict under a guideline outside its dates is a benchmark, not a finding
    /// under rules in force, and alerts say so.
    public func isInForce(on date: CalendarDate) -> Bool {
        let (from, until): (String, String?) = {
            switch self {
            case .us2023: return ("2023-12-18", nil)
            case .us2010: return ("2010-08-19", "2023-12-18")
            case .eu2004: return ("2004-02-05", nil)
            case .chinaAML: return ("2008-08-01", nil)
            }
        }()
        return date >= CalendarDate(iso: from)! && until.map { date < CalendarDate(iso: $0)! } ?? true
    }

    /// The HHI level (0–10,000) above which a market is a concern: the one number that both the
    /// market verdicts and the concentration alerts use. nil for the China AML (shares, not HHI).
    public var concentrationThreshold: (hhi: Double, inclusive: Bool)? {
        switch self {
        case .us2023: return (1_800, false)   // "HHI greater than 1,800"
        case .us2010: return (1_500, true)    // 1,500 and above: moderately or highly concentrated
        case .eu2004: return (1_000, true)    // 1,000 and above: outside the widest safe harbour
        case .chinaAML: return nil
        }
    }
}

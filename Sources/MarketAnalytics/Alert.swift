/// A rule that a period's figures trigger, with the numbers and where the rule comes from.
public struct Alert: Hashable, Sendable {
    public enum Rule: String, Sendable, CaseIterable {
        case singlePartnerExposure = "single_partner_exposure"
        case aggregateColending = "aggregate_colending"
        case dominanceOne = "china_aml_dominance_one"
        case dominanceTwo = "china_aml_dominance_two"
        case dominanceThree = "china_aml_dominance_three"
        case us2023Concentration = "us2023_concentration"
        case us2010Concentration = "us2010_concentration"
        case eu2004Concentration = "eu2004_concentration"

        /// The rule in words, with its limit.
        public var title: String {
            switch self {
            case .singlePartnerExposure: return "co-lending with one partner above 25% of net tier-1 capital"
            case .aggregateColending: return "all co-lending above 50% of total loans"
            case .dominanceOne: return "one firm holds at least 1/2 of the market"
            case .dominanceTwo: return "two firms hold at least 2/3 of the market"
            case .dominanceThree: return "three firms hold at least 3/4 of the market"
            case .us2023Concentration: return "market HHI above 1,800: highly concentrated"
            case .us2010Concentration: return "market HHI at or above 1,500: moderately or highly concentrated"
            case .eu2004Concentration: return "market HHI at or above 1,000: outside the widest safe harbour"
            }
        }

        public var source: String {
            switch self {
            case .singlePartnerExposure, .aggregateColending:
                return "CBIRC notice on internet loans of commercial banks"
            case .dominanceOne, .dominanceTwo, .dominanceThree:
                return "PRC Anti-Monopoly Law, art. 24"
            case .us2023Concentration: return Guideline.us2023.title
            case .us2010Concentration: return Guideline.us2010.title
            case .eu2004Concentration: return Guideline.eu2004.title
            }
        }

        /// The date of the text, ISO.
        public var date: String {
            switch self {
            case .singlePartnerExposure, .aggregateColending: return "2021-02-20"
            case .dominanceOne, .dominanceTwo, .dominanceThree: return "2008-08-01"
            case .us2023Concentration: return Guideline.us2023.date
            case .us2010Concentration: return Guideline.us2010.date
            case .eu2004Concentration: return Guideline.eu2004.date
            }
        }

        /// Draft, final, or in force from a date: a draft is never shown as law.
        public var status: String {
            switch self {
            case .singlePartnerExposure, .aggregateColending:
                return "final; rectification by 2022-07-17, extended to 2023-06-30"
            case .dominanceOne, .dominanceTwo, .dominanceThree:
                return "in force from 2008-08-01 (amended 2022)"
            case .us2023Concentration: return "final; in force from 2023-12-18"
            case .us2010Concentration: return "final; superseded on 2023-12-18"
            case .eu2004Concentration: return "final; in force from 2004-02-05"
            }
        }
    }

    public let rule: Rule
    /// What triggered it: a bank, a group or groups, or "market".
    public let subject: String
    public let value: Double
    public let limit: Double
}

extension PeriodAnalysis {
    /// Every rule triggered in this period, banks first (largest breach first), then the market.
    public var alerts: [Alert] {
        var alerts: [Alert] = []
        for bank in banks {
            if let exposure = bank.maxExposureToTier1, exposure > BankDependence.singlePartnerCap {
                alerts.append(Alert(rule: .singlePartnerExposure, subject: "\(bank.bank) with \(bank.topPartner)",
                                    value: exposure, limit: BankDependence.singlePartnerCap))
            }
        }
        for bank in banks {
            if let ratio = bank.colendingToTotalLoans, ratio > BankDependence.aggregateCap {
                alerts.append(Alert(rule: .aggregateColending, subject: bank.bank, value: ratio,
                                    limit: BankDependence.aggregateCap))
            }
        }
        alerts.sort { ($0.rule == .singlePartnerExposure ? 0 : 1, -$0.value) < ($1.rule == .singlePartnerExposure ? 0 : 1, -$1.value) }

        let ranked = groups.sorted { $0.shareOfMarket > $1.shareOfMarket }
        let counted = ranked.filter { $0.shareOfMarket >= 0.1 }
        if let first = ranked.first, first.shareOfMarket >= 0.5 {
            alerts.append(Alert(rule: .dominanceOne, subject: first.group, value: first.shareOfMarket, limit: 0.5))
        }
        if counted.count >= 2, counted[0].shareOfMarket + counted[1].shareOfMarket >= 2.0 / 3.0 {
            alerts.append(Alert(rule: .dominanceTwo, subject: counted.prefix(2).map(\.group).joined(separator: " + "),
                                value: counted[0].shareOfMarket + counted[1].shareOfMarket, limit: 2.0 / 3.0))
        }
        if counted.count >= 3, counted.prefix(3).reduce(0, { $0 + $1.shareOfMarket }) >= 0.75 {
            alerts.append(Alert(rule: .dominanceThree, subject: counted.prefix(3).map(\.group).joined(separator: " + "),
                                value: counted.prefix(3).reduce(0) { $0 + $1.shareOfMarket }, limit: 0.75))
        }
        // Concentration levels on the lower bound: an alert is raised only when the market is
        // certainly past the threshold; the verdicts show when the bounds straddle it.
        if indices.hhi > 1_800 { alerts.append(Alert(rule: .us2023Concentration, subject: "market", value: indices.hhi, limit: 1_800)) }
        if indices.hhi >= 1_500 { alerts.append(Alert(rule: .us2010Concentration, subject: "market", value: indices.hhi, limit: 1_500)) }
        if indices.hhi >= 1_000 { alerts.append(Alert(rule: .eu2004Concentration, subject: "market", value: indices.hhi, limit: 1_000)) }
        return alerts
    }
}

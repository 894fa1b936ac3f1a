/// A rule that a period's figures trigger, with the numbers, whom it concerns and where the rule comes from.
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
        case cofundingFloor = "cofunding_floor"

        /// The unit of `value` and `limit`: a property of the rule, never guessed from a number's size.
        public enum Unit: String, Sendable {
            /// A fraction of the bank's tier-1 capital or total loans.
            case fractionOfBase = "fraction"
            /// A fraction of the market.
            case shareOfMarket = "share_of_market"
            /// HHI on the 0–10,000 scale.
            case hhi
            /// A fraction of a group's co-funded loans, by amount.
            case shareOfCofunded = "share_of_cofunded_loans"
        }

        public var unit: Unit {
            switch self {
            case .singlePartnerExposure, .aggregateColending: return .fractionOfBase
            case .dominanceOne, .dominanceTwo, .dominanceThree: return .shareOfMarket
            case .us2023Concentration, .us2010Concentration, .eu2004Concentration: return .hhi
            case .cofundingFloor: return .shareOfCofunded
            }
        }

        /// The co-lending cap this rule applies, if it is one.
        public var cap: ColendingCap? {
            switch self {
            case .singlePartnerExposure: return .singlePartner
            case .aggregateColending: return .aggregate
            default: return nil
            }
        }

        /// The competition guideline whose concentration threshold this rule applies, if any.
        public var guideline: Guideline? {
            switch self {
            case .us2023Concentration: return .us2023
            case .us2010Concentration: return .us2010
            case .eu2004Concentration: return .eu2004
            default: return nil
            }
        }

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
            case .cofundingFloor: return "co-funded loans with the platform's part below 30%"
            }
        }

        /// The date of the text, ISO (for the AML, the 2008 law; an alert cites the article of its period).
        public var date: String {
            switch self {
            case .singlePartnerExposure, .aggregateColending, .cofundingFloor: return "2021-02-20"
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
            case .cofundingFloor:
                return "final; in force from 2021-02-20 for new loans"
            case .dominanceOne, .dominanceTwo, .dominanceThree:
                return "in force from 2008-08-01 (art. 19; art. 24 from 2022-08-01)"
            case .us2023Concentration: return "final; in force from 2023-12-18"
            case .us2010Concentration: return "final; superseded on 2023-12-18"
            case .eu2004Concentration: return "final; in force from 2004-02-05"
            }
        }
    }

    /// Whom an alert concerns, as a value: nothing ever parses a display string back into names.
    public enum Subject: Hashable, Sendable, CustomStringConvertible {
        /// A bank and one partner group (the 25% rule).
        case pair(bank: String, partner: String)
        /// A bank (the 50% rule).
        case bank(String)
        /// A platform group (the 30% co-funding floor).
        case group(String)
        /// Groups presumed dominant, and groups counted in the joint share but under 1/10 (not presumed).
        case groups(presumed: [String], countedNotPresumed: [String])
        case market

        public var bank: String? {
            switch self {
            case .pair(let bank, _), .bank(let bank): return bank
            default: return nil
            }
        }

        public var partner: String? {
            if case .pair(_, let partner) = self { return partner }
            return nil
        }

        public var description: String {
            switch self {
            case .pair(let bank, let partner): return "\(bank) with \(partner)"
            case .bank(let bank): return bank
            case .group(let group): return group
            case .groups(let presumed, let counted):
                let names = presumed.joined(separator: " + ")
                return counted.isEmpty ? names
                    : names + " (with \(counted.joined(separator: ", ")): under 1/10, not presumed)"
            case .market: return "market"
            }
        }
    }

    public let rule: Rule
    public let subject: Subject
    /// In the rule's unit.
    public let value: Double
    public let limit: Double
    /// False for a co-lending cap in a period that ended before the rule was published: the figures
    /// would breach it, but no rule in force is breached.
    public let inForce: Bool
    /// How much funding must move for the bank to be at the cap, in yuan; nil for competition rules.
    public let excessCNY: Double?
    /// The text cited, with the article in force at the period's date for the AML.
    public let source: String
    /// The first period of the unbroken run of periods with this alert that reaches this one, and
    /// the run's length; set when the analysis is part of a series (`AnalysisSeries`).
    public internal(set) var firstPeriod: Period?
    public internal(set) var periods: Int?
    /// The first period of that run in which the rule was in force; nil when it never was.
    public internal(set) var firstPeriodInForce: Period?

    public init(rule: Rule, subject: Subject, value: Double, limit: Double, inForce: Bool = true,
                excessCNY: Double? = nil, source: String? = nil) {
        self.rule = rule
        self.subject = subject
        self.value = value
        self.limit = limit
        self.inForce = inForce
        self.excessCNY = excessCNY
        self.source = source ?? Self.defaultSource(rule)
    }

    /// The status shown and exported: the rule's, or that it did not yet exist.
    public var status: String {
        if inForce { return rule.status }
        if rule.cap != nil || rule == .cofundingFloor {
            return "would breach; rule not yet in force (published \(ColendingCap.inForceFrom))"
        }
        return "guideline not in force at the period's end (\(rule.status)): a benchmark, not a finding under it"
    }

    /// What identifies "the same alert" from one period to the next.
    public struct Identity: Hashable, Sendable {
        public let rule: Rule
        public let subject: Subject
    }

    public var identity: Identity { Identity(rule: rule, subject: subject) }

    static func defaultSource(_ rule: Rule) -> String {
        if let cap = rule.cap { return ColendingCap.source + ", " + cap.operativeText.prefix { $0 != ":" } }
        if rule == .cofundingFloor { return CofundingFloor.source + ", item 2" }
        if let guideline = rule.guideline { return guideline.title }
        return "PRC Anti-Monopoly Law"
    }
}

extension PeriodAnalysis {
    /// Every rule triggered in this period: every (bank, partner) pair over 25% of tier-1 capital
    /// (largest first), every bank over 50% of total loans, then the market's competition rules.
    /// Caps are measured on outstanding balances whatever the measure; competition rules only where
    /// the verdicts exist (a market total for the measure).
    func computeAlerts() -> [Alert] {
        var alerts: [Alert] = []
        let inForce = ColendingCap.isInForce(on: period.endDate)
        for bank in banks {
            guard let tier1 = bank.profile?.tier1CapitalCNY, tier1 > 0 else { continue }
            for (partner, balance) in bank.exposuresLargestFirst
            where ColendingCap.singlePartner.isBreached(amount: balance, base: tier1) {
                alerts.append(Alert(rule: .singlePartnerExposure, subject: .pair(bank: bank.bank, partner: partner),
                                    value: balance / tier1, limit: ColendingCap.singlePartner.limit, inForce: inForce,
                                    excessCNY: balance - ColendingCap.singlePartner.limit * tier1))
            }
        }
        var aggregate: [Alert] = []
        for bank in banks {
            guard let loans = bank.profile?.totalLoansCNY, loans > 0,
                  ColendingCap.aggregate.isBreached(amount: bank.platformSourcedCNY, base: loans) else { continue }
            aggregate.append(Alert(rule: .aggregateColending, subject: .bank(bank.bank),
                                   value: bank.platformSourcedCNY / loans, limit: ColendingCap.aggregate.limit,
                                   inForce: inForce, excessCNY: bank.platformSourcedCNY - ColendingCap.aggregate.limit * loans))
        }
        let order: (Alert, Alert) -> Bool = { a, b in
            (a.value, b.subject.description) > (b.value, a.subject.description)
        }
        alerts.sort(by: order)
        alerts += aggregate.sorted(by: order)
        // The 30% floor, per group with co-funded loans below it (new lending in the period). The
        // rule applies to loans made from its date: a breach is in force when such a loan is
        // among them, else it would breach a rule not yet in force.
        if checksCofundingFloor {
            var floor: [Alert] = []
            for entry in lendingTerms where entry.floorKnown && entry.terms.belowFloorLoans > 0 {
                floor.append(Alert(rule: .cofundingFloor, subject: .group(entry.group),
                                   value: entry.belowFloorShareByAmount ?? 0, limit: 0,
                                   inForce: entry.terms.inForceBelowLoans > 0))
            }
            alerts += floor.sorted(by: order)
        }

        guard let verdicts else { return alerts }
        if let presumption = verdicts.first(where: { $0.guideline == .chinaAML })?.presumption {
            let rules: [Alert.Rule] = [.dominanceOne, .dominanceTwo, .dominanceThree]
            let limits = [1.0 / 2, 2.0 / 3, 3.0 / 4]
            let source = "PRC Anti-Monopoly Law, " + presumption.article
            let amlInForce = Guideline.chinaAML.isInForce(on: period.endDate)
            for clause in presumption.clauses {
                let members = presumption.byClause[clause] ?? ([], [])
                alerts.append(Alert(
                    rule: rules[clause - 1],
                    subject: .groups(presumed: members.presumed, countedNotPresumed: members.counted),
                    value: presumption.topShares[clause - 1], limit: limits[clause - 1], inForce: amlInForce, source: source))
            }
        }
        // Concentration levels on the lower bound: an alert is raised only when the market is
        // certainly past the threshold; the verdicts show when the bounds straddle it.
        for rule in [Alert.Rule.us2023Concentration, .us2010Concentration, .eu2004Concentration] {
            guard let guideline = rule.guideline, let threshold = guideline.concentrationThreshold,
                  guideline.marketLevel(indices.hhi).severity > .clear else { continue }
            alerts.append(Alert(rule: rule, subject: .market, value: indices.hhi, limit: threshold.hhi,
                                inForce: guideline.isInForce(on: period.endDate)))
        }
        return alerts
    }
}

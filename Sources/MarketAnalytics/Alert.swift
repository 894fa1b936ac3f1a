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

        /// Draft, final, or in force from a date: a draft is never shown as law. The CBIRC rules'
        /// dates come from `RuleCalendar`.
        public var status: String {
            switch self {
            case .singlePartnerExposure, .aggregateColending:
                return "final; issued \(RuleCalendar.noticeIssued), existing business in transition until "
                    + "\(RuleCalendar.rectificationDeadline), extended to \(RuleCalendar.rectificationDeadlineExtended)"
            case .cofundingFloor:
                return "final; applies to new loans from \(RuleCalendar.newLoansFrom)"
            case .dominanceOne, .dominanceTwo, .dominanceThree:
                return "in force from 2008-08-01 (art. 19; art. 24 from 2022-08-01)"
            case .us2023Concentration: return "final; in force from 2023-12-18"
            case .us2010Concentration: return "final; superseded on 2023-12-18"
            case .eu2004Concentration: return "final; in force from 2004-02-05"
            }
        }
    }

    /// A breach of the rule, or an early warning: within a cap but at or above `--warn-at` of it.
    public enum Severity: String, Sendable, Hashable {
        case breach
        case warning
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
    /// Where the rule stands at the period's end (`RuleCalendar`): not yet, in transition, in force.
    public let state: RuleCalendar.State
    /// A breach, or an early warning (caps only).
    public let severity: Severity
    /// How much funding must move for the bank to be at the cap, in yuan; nil for competition rules.
    public let excessCNY: Double?
    /// The text cited, with the article in force at the period's date for the AML.
    public let source: String
    /// The 25% cap: the related partner groups whose balances were counted with the partner's.
    public let relatedCounted: [BankDependence.CapExposure.RelatedBalance]
    /// The 25% cap: true when the bank itself is related to the partner.
    public let bankRelatedToPartner: Bool
    /// A cap's base (capital or total loans) as it stood in the period, with its period and staleness.
    public let base: BankFigures.Figure?
    /// The first period of the unbroken run of periods with this alert that reaches this one, and
    /// the run's length; set when the analysis is part of a series (`AnalysisSeries`).
    public internal(set) var firstPeriod: Period?
    public internal(set) var periods: Int?
    /// The first period of that run in which the rule was in force; nil when it never was.
    public internal(set) var firstPeriodInForce: Period?

    /// False for a rule in a period that ended before it applied: the figures would breach it, but
    /// no rule in force is breached. True in transition too (`state` tells them apart).
    public var inForce: Bool { state.applies }

    public init(rule: Rule, subject: Subject, value: Double, limit: Double, inForce: Bool = true,
                excessCNY: Double? = nil, source: String? = nil) {
        self.init(rule: rule, subject: subject, value: value, limit: limit, state: inForce ? .inForce : .notYet,
                  excessCNY: excessCNY, source: source)
    }

    public init(rule: Rule, subject: Subject, value: Double, limit: Double, state: RuleCalendar.State,
                severity: Severity = .breach, excessCNY: Double? = nil, source: String? = nil,
                relatedCounted: [BankDependence.CapExposure.RelatedBalance] = [], bankRelatedToPartner: Bool = false,
                base: BankFigures.Figure? = nil) {
        self.rule = rule
        self.subject = subject
        self.value = value
        self.limit = limit
        self.state = state
        self.severity = severity
        self.excessCNY = excessCNY
        self.source = source ?? Self.defaultSource(rule)
        self.relatedCounted = relatedCounted
        self.bankRelatedToPartner = bankRelatedToPartner
        self.base = base
    }

    /// The status shown and exported: the rule's, or that it did not yet exist.
    public var ruleStatus: String {
        switch state {
        case .inForce: return rule.status
        case .transition(let until):
            return "in transition: existing business may run until \(until) (\(rule.status))"
        case .notYet:
            if rule.cap != nil {
                return "would breach; rule not yet in force (issued \(RuleCalendar.noticeIssued))"
            }
            if rule == .cofundingFloor {
                return "would breach; the floor applies to new loans from \(RuleCalendar.newLoansFrom)"
            }
            return "guideline not in force at the period's end (\(rule.status)): a benchmark, not a finding under it"
        }
    }

    /// What identifies "the same alert" from one period to the next.
    public struct Identity: Hashable, Sendable, Comparable {
        public let rule: Rule
        public let subject: Subject

        public static func < (a: Identity, b: Identity) -> Bool {
            let ra = Rule.allCases.firstIndex(of: a.rule)!, rb = Rule.allCases.firstIndex(of: b.rule)!
            return (ra, a.subject.description) < (rb, b.subject.description)
        }
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
        let capState = ColendingCap.state(on: period.endDate)
        let warnAt = key.warnAt
        var warnings: [Alert] = []
        for bank in banks {
            guard let tier1 = bank.figures?.tier1CapitalCNY, tier1 > 0 else { continue }
            // Two partners related to each other count the same balances: one exposure.
            for exposure in bank.distinctCapExposures {
                let cap = ColendingCap.singlePartner
                let breached = cap.isBreached(amount: exposure.totalCNY, base: tier1)
                guard breached || cap.isWarning(amount: exposure.totalCNY, base: tier1, warnAt: warnAt) else { continue }
                let alert = Alert(rule: .singlePartnerExposure, subject: .pair(bank: bank.bank, partner: exposure.partner),
                                  value: ColendingCap.ratio(exposure.totalCNY, tier1), limit: cap.limit, state: capState,
                                  severity: breached ? .breach : .warning,
                                  excessCNY: exposure.totalCNY - cap.limit * tier1,
                                  relatedCounted: exposure.relatedCounted,
                                  bankRelatedToPartner: exposure.bankRelatedToPartner, base: bank.figures?.capital)
                if breached { alerts.append(alert) } else { warnings.append(alert) }
            }
        }
        var aggregate: [Alert] = []
        var aggregateWarnings: [Alert] = []
        for bank in banks {
            guard let loans = bank.figures?.totalLoansCNY, loans > 0 else { continue }
            let cap = ColendingCap.aggregate
            let breached = cap.isBreached(amount: bank.platformSourcedCNY, base: loans)
            guard breached || cap.isWarning(amount: bank.platformSourcedCNY, base: loans, warnAt: warnAt) else { continue }
            let alert = Alert(rule: .aggregateColending, subject: .bank(bank.bank),
                              value: ColendingCap.ratio(bank.platformSourcedCNY, loans), limit: cap.limit, state: capState,
                              severity: breached ? .breach : .warning,
                              excessCNY: bank.platformSourcedCNY - cap.limit * loans, base: bank.figures?.totalLoans)
            if breached { aggregate.append(alert) } else { aggregateWarnings.append(alert) }
        }
        let order: (Alert, Alert) -> Bool = { a, b in
            (a.value, b.subject.description) > (b.value, a.subject.description)
        }
        alerts.sort(by: order)
        alerts += aggregate.sorted(by: order)
        // The 30% floor, per group with co-funded loans below it (new lending in the period). The
        // floor binds loans made from 2022-01-01 (`RuleCalendar`): a breach is in force when such a
        // loan is among them, else it would breach a rule not yet in force.
        if checksCofundingFloor {
            var floor: [Alert] = []
            for entry in lendingTerms where entry.floorKnown && entry.terms.belowFloorLoans > 0 {
                floor.append(Alert(rule: .cofundingFloor, subject: .group(entry.group),
                                   value: entry.belowFloorShareByAmount ?? 0, limit: 0,
                                   state: entry.terms.inForceBelowLoans > 0 ? .inForce : .notYet))
            }
            alerts += floor.sorted(by: order)
        }

        alerts += competitionAlerts()
        // Early warnings after every breach.
        return alerts + warnings.sorted(by: order) + aggregateWarnings.sorted(by: order)
    }

    /// The market's competition rules: the AML presumption and the guidelines' HHI levels.
    private func competitionAlerts() -> [Alert] {
        var alerts: [Alert] = []
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

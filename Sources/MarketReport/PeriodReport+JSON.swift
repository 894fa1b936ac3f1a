import Foundation
import MarketAnalytics

extension PeriodReport {
    /// JSON with the documented keys: shares as fractions, HHI on 0–10,000, amounts in yuan,
    /// full double precision; absent values are `null`, never omitted.
    func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Ingest keeps every figure finite; should one ever not be, it is written as a string, never a trap.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try! encoder.encode(JSONReport(self))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The JSON document's shape; key names are the public contract documented in the README.
struct JSONReport: Encodable {
    let report: PeriodReport

    init(_ report: PeriodReport) { self.report = report }

    enum Keys: String, CodingKey {
        case period, measure, market, fx, platforms, others, indices, verdicts, banks, merger, alerts, stacking
        case stackingUnavailable = "stacking_unavailable"
        case indebtedness, indebtednessUnavailable = "indebtedness_unavailable", pricing
        case pricingUnavailable = "pricing_unavailable"
        case verdictsUnavailable = "verdicts_unavailable", suppression, changes, warnAt = "warn_at"
    }

    func encode(to encoder: Encoder) throws {
        let a = report.analysis
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(a.period.description, forKey: .period)
        try c.encode(Market(definition: a.marketDefinition, total: a.marketTotal?.totalCNY,
                            flag: a.marketTotal?.provenance.rawValue, sumOfGroups: a.denominatorIsSumOfGroups,
                            measure: a.measure.rawValue, largestUnreported: a.marketTotal?.largestUnreportedShare),
                     forKey: .market)
        try c.encode(a.exchangeRate.map { FX(usdCNY: $0.usdCNY, date: $0.date.description, basis: $0.basis) }, forKey: .fx)
        try c.encode(a.groups.map(Platform.init), forKey: .platforms)
        try c.encode(Others(balance: a.othersCNY, share: a.othersShare), forKey: .others)
        try c.encode(Indices(a.indices), forKey: .indices)
        try c.encode(a.verdicts.map(Verdicts.init), forKey: .verdicts)
        try c.encode(a.verdictsUnavailable, forKey: .verdictsUnavailable)
        try c.encode(a.banks.map(Bank.init), forKey: .banks)
        if let m = report.merger { try c.encode(Merger(m), forKey: .merger) }
        try c.encode(a.alerts.map(AlertJSON.init), forKey: .alerts)
        try c.encode(a.changes.map(ChangesJSON.init), forKey: .changes)
        try c.encode(a.warnAt, forKey: .warnAt)
        try c.encode(a.measure.rawValue, forKey: .measure)
        let stacking = report.stacking, indebtedness = report.indebtedness
        try c.encode(stacking.map(Stacking.init), forKey: .stacking)
        try c.encodeIfPresent(a.stackingUnavailable, forKey: .stackingUnavailable)
        try c.encode(indebtedness.map(IndebtednessJSON.init), forKey: .indebtedness)
        try c.encode(report.rule.isOn ? SuppressionJSON(rule: report.rule, cells: (indebtedness?.cells ?? 0) + (stacking?.cells ?? 0),
                                                         complementary: indebtedness?.complementaryCells ?? 0) : nil,
                     forKey: .suppression)
        try c.encodeIfPresent(a.indebtednessUnavailable, forKey: .indebtednessUnavailable)
        try c.encode(a.lendingTerms.map { PricingJSON(entry: $0, thresholds: a.aprThresholds, checksFloor: a.checksCofundingFloor) },
                     forKey: .pricing)
        try c.encodeIfPresent(a.lendingTermsUnavailable, forKey: .pricingUnavailable)
    }

    struct Market: Encodable {
        let definition: String?
        let total: Double?
        let flag: String?
        let sumOfGroups: Bool
        let measure: String
        let largestUnreported: Double?
        enum CodingKeys: String, CodingKey {
            case definition, total = "total_cny", flag, sumOfGroups = "denominator_is_sum_of_groups", measure
            case largestUnreported = "largest_unreported_share"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(definition, forKey: .definition)
            try c.encode(total, forKey: .total)
            try c.encode(flag, forKey: .flag)
            try c.encode(sumOfGroups, forKey: .sumOfGroups)
            try c.encode(measure, forKey: .measure)
            try c.encode(largestUnreported, forKey: .largestUnreported)
        }
    }

    struct FX: Encodable {
        let usdCNY: Double
        let date: String
        let basis: String
        enum CodingKeys: String, CodingKey { case usdCNY = "usd_cny", date, basis }
    }

    struct Platform: Encodable {
        let g: GroupFigures
        init(_ g: GroupFigures) { self.g = g }
        enum CodingKeys: String, CodingKey {
            case group, balanceCNY = "balance_cny", balanceUSD = "balance_usd", shareOfMarket = "share_of_market"
            case shareOfPlatforms = "share_of_platforms", changePP = "change_pp", flag, totalFlag = "total_flag",
                 source, products
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(g.group, forKey: .group)
            try c.encode(g.balanceCNY, forKey: .balanceCNY)
            try c.encode(g.balanceUSD, forKey: .balanceUSD)
            try c.encode(g.shareOfMarket, forKey: .shareOfMarket)
            try c.encode(g.shareOfPlatforms, forKey: .shareOfPlatforms)
            try c.encode(g.changePP, forKey: .changePP)
            try c.encode(g.provenance.rawValue, forKey: .flag)
            // The total's own flag when the rows give it apart from the split's; null otherwise.
            try c.encode(g.totalProvenance?.rawValue, forKey: .totalFlag)
            try c.encode(g.source, forKey: .source)
            try c.encode(Dictionary(g.platforms.map { ($0.name, $0.balanceCNY) }, uniquingKeysWith: +), forKey: .products)
        }
    }

    struct Others: Encodable {
        let balance: Double
        let share: Double
        enum CodingKeys: String, CodingKey { case balance = "balance_cny", share = "share_of_market" }
    }

    struct Indices: Encodable {
        let i: ConcentrationFigures
        init(_ i: ConcentrationFigures) { self.i = i }
        enum CodingKeys: String, CodingKey {
            case hhi, hhiUpper = "hhi_upper", hhiUpperAssumption = "hhi_upper_assumption"
            case hhiUpperNoAssumption = "hhi_upper_no_assumption", hhiPlatforms = "hhi_platforms", hhiNormalized = "hhi_normalized"
            case cr1, cr3, cr4, cr5, cr8, equivalentFirms = "equivalent_firms", gini, giniCorrected = "gini_corrected"
            case entropy, entropyRelative = "entropy_relative", theilT = "theil_t", hallTideman = "hall_tideman"
            case dominance, linda
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(i.hhi, forKey: .hhi)
            try c.encode(i.hhiUpper, forKey: .hhiUpper)
            try c.encode(i.hhiUpperAssumption, forKey: .hhiUpperAssumption)
            try c.encode(i.hhiUpperNoAssumption, forKey: .hhiUpperNoAssumption)
            try c.encode(i.hhiPlatforms, forKey: .hhiPlatforms)
            try c.encode(i.hhiNormalized, forKey: .hhiNormalized)
            try c.encode(i.cr1, forKey: .cr1)
            try c.encode(i.cr3, forKey: .cr3)
            try c.encode(i.cr4, forKey: .cr4)
            try c.encode(i.cr5, forKey: .cr5)
            try c.encode(i.cr8, forKey: .cr8)
            try c.encode(i.equivalentFirms, forKey: .equivalentFirms)
            try c.encode(i.gini, forKey: .gini)
            try c.encode(i.giniCorrected, forKey: .giniCorrected)
            try c.encode(i.entropy, forKey: .entropy)
            try c.encode(i.entropyRelative, forKey: .entropyRelative)
            try c.encode(i.theilT, forKey: .theilT)
            try c.encode(i.hallTideman, forKey: .hallTideman)
            try c.encode(i.dominance, forKey: .dominance)
            try c.encode(i.linda, forKey: .linda)
        }
    }

    struct VerdictJSON: Encodable {
        let v: Verdict
        enum CodingKeys: String, CodingKey {
            case finding, threshold, severity, guideline, issued, rule, straddles
            case presumedDominant = "presumed_dominant", countedNotPresumed = "counted_not_presumed", article
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(v.straddles, forKey: .straddles)
            if let p = v.presumption {
                try c.encode(p.presumedDominant, forKey: .presumedDominant)
                try c.encode(p.countedNotPresumed, forKey: .countedNotPresumed)
                try c.encode(p.article, forKey: .article)
            }
            try c.encode(v.finding, forKey: .finding)
            try c.encode(v.threshold, forKey: .threshold)
            try c.encode(["clear", "watch", "concern"][v.severity.rawValue], forKey: .severity)
            try c.encode(v.guideline.title, forKey: .guideline)
            try c.encode(v.guideline.date, forKey: .issued)
            try c.encode(v.guideline.ruleText, forKey: .rule)
        }
    }

    struct Verdicts: Encodable {
        let verdicts: [Verdict]
        init(_ verdicts: [Verdict]) { self.verdicts = verdicts }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: DynamicKey.self)
            for v in verdicts { try c.encode(VerdictJSON(v: v), forKey: DynamicKey(v.guideline.rawValue)) }
        }
    }

    struct Bank: Encodable {
        let b: BankDependence
        init(_ b: BankDependence) { self.b = b }
        enum CodingKeys: String, CodingKey {
            case bank, type, platformSourced = "platform_sourced_cny", topPartner = "top_partner"
            case topPartnerShare = "top_partner_share", partnerHHI = "partner_hhi"
            case maxExposure = "max_exposure_to_tier1", colending = "colending_to_total_loans", onlineOnly = "online_only"
            case exposures, basis, partnersOverCap = "partners_over_cap", tier1 = "tier1_capital_cny"
            case caps
        }
        struct Exposure: Encodable {
            let partner: String
            let balance: Double
            let capExposure: BankDependence.CapExposure?
            let toTier1: Double?
            let overCap: Bool
            enum CodingKeys: String, CodingKey {
                case partner, balance = "balance_cny", toTier1 = "to_tier1", overCap = "over_cap"
                case capExposure = "cap_exposure_cny", related = "related_counted"
                case bankRelated = "bank_related_to_partner"
            }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(partner, forKey: .partner)
                try c.encode(balance, forKey: .balance)
                try c.encode(capExposure?.totalCNY, forKey: .capExposure)
                try c.encode((capExposure?.relatedCounted ?? []).map(RelatedJSON.init), forKey: .related)
                try c.encode(capExposure?.bankRelatedToPartner ?? false, forKey: .bankRelated)
                try c.encode(toTier1, forKey: .toTier1)
                try c.encode(overCap, forKey: .overCap)
            }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(b.bank, forKey: .bank)
            try c.encode(b.profile?.type, forKey: .type)
            try c.encode(b.platformSourcedCNY, forKey: .platformSourced)
            try c.encode(b.topPartner, forKey: .topPartner)
            try c.encode(b.topPartnerShare, forKey: .topPartnerShare)
            try c.encode(b.partnerHHI, forKey: .partnerHHI)
            try c.encode(b.maxExposureToTier1, forKey: .maxExposure)
            try c.encode(b.colendingToTotalLoans, forKey: .colending)
            try c.encode(b.profile?.onlineOnly, forKey: .onlineOnly)
            try c.encode(b.figures?.capital?.valueCNY, forKey: .tier1)
            try BaseFields(capital: b.figures?.capital, totalLoans: b.figures?.totalLoans).encode(to: encoder)
            try c.encode("balances", forKey: .basis)
            let over = Set(b.partnersOverCap)
            try c.encode(b.partnersOverCap, forKey: .partnersOverCap)
            try c.encode(b.exposuresLargestFirst.map {
                Exposure(partner: $0.partner, balance: $0.balanceCNY, capExposure: b.capExposure($0.partner),
                         toTier1: b.exposureToTier1($0.partner), overCap: over.contains($0.partner))
            }, forKey: .exposures)
            try c.encode(ColendingCap.allCases.map { CapJSON(b: b, cap: $0) }, forKey: .caps)
        }
    }

    /// A cap's bases as they stood in the period: written beside a bank's or a cap alert's other
    /// keys (the encoder merges keyed containers), so both read the same.
    struct BaseFields: Encodable {
        let capital: BankFigures.Figure?
        let totalLoans: BankFigures.Figure?
        enum CodingKeys: String, CodingKey {
            case capital = "capital_cny", capitalPeriod = "capital_period", capitalStale = "capital_stale"
            case totalLoans = "total_loans_cny", totalLoansPeriod = "total_loans_period"
            case totalLoansStale = "total_loans_stale"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(capital?.valueCNY, forKey: .capital)
            try c.encode(capital?.period?.description, forKey: .capitalPeriod)
            try c.encode(capital?.isStale ?? false, forKey: .capitalStale)
            try c.encode(totalLoans?.valueCNY, forKey: .totalLoans)
            try c.encode(totalLoans?.period?.description, forKey: .totalLoansPeriod)
            try c.encode(totalLoans?.isStale ?? false, forKey: .totalLoansStale)
        }
    }

    /// One cap of one bank in the period: its ratio, base, state and where it is heading.
    struct CapJSON: Encodable {
        let b: BankDependence
        let cap: ColendingCap
        enum CodingKeys: String, CodingKey {
            case cap, value, limit, unavailable, status, projected = "projected_breach_period"
            case step = "projection_average_step", note = "projection_note"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(cap.rawValue, forKey: .cap)
            let value = b.ratio(cap)
            try c.encode(value, forKey: .value)
            try c.encode(cap.limit, forKey: .limit)
            try c.encode(b.ratioUnavailable(cap), forKey: .unavailable)
            try c.encode(value.map { _ in b.isOver(cap) ? "breach" : "within" }, forKey: .status)
            let projection = b.projections[cap]
            try c.encode(projection?.breachPeriod?.description, forKey: .projected)
            try c.encode(projection?.averageStep, forKey: .step)
            try c.encode(CapProjection.note, forKey: .note)
        }
    }

    struct RelatedJSON: Encodable {
        let r: BankDependence.CapExposure.RelatedBalance
        init(_ r: BankDependence.CapExposure.RelatedBalance) { self.r = r }
        enum CodingKeys: String, CodingKey { case group, balance = "balance_cny" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(r.group, forKey: .group)
            try c.encode(r.balanceCNY, forKey: .balance)
        }
    }

    struct Merger: Encodable {
        let m: MergerAnalysis
        init(_ m: MergerAnalysis) { self.m = m }
        enum CodingKeys: String, CodingKey {
            case parties, share, hhiBefore = "hhi_before", hhiAfter = "hhi_after", delta = "delta_hhi", verdicts
            case upperBefore = "hhi_upper_before", upperAfter = "hhi_upper_after", period
            case capBreaches = "cap_breaches_created", verdictsUnavailable = "verdicts_unavailable"
        }
        struct CapBreach: Encodable {
            let c: MergerCapBreach
            enum CodingKeys: String, CodingKey {
                case bank, after = "exposure_to_tier1_after", before = "exposure_to_tier1_before"
                case related = "related_counted", excess = "excess_cny", limit
            }
            func encode(to encoder: Encoder) throws {
                var k = encoder.container(keyedBy: CodingKeys.self)
                try k.encode(c.bank, forKey: .bank)
                try k.encode(c.exposureToTier1After, forKey: .after)
                try k.encode(c.exposureToTier1Before, forKey: .before)
                try k.encode(c.relatedCounted, forKey: .related)
                try k.encode(c.excessCNY, forKey: .excess)
                try k.encode(ColendingCap.singlePartner.limit, forKey: .limit)
            }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(m.parties, forKey: .parties)
            try c.encode(m.period.description, forKey: .period)
            try c.encode(m.mergedShare, forKey: .share)
            try c.encode(m.hhiBefore, forKey: .hhiBefore)
            try c.encode(m.hhiAfter, forKey: .hhiAfter)
            try c.encode(m.boundsBefore.upper, forKey: .upperBefore)
            try c.encode(m.boundsAfter.upper, forKey: .upperAfter)
            try c.encode(m.deltaHHI, forKey: .delta)
            try c.encode(m.verdictsUnavailable == nil ? Verdicts(m.verdicts) : nil, forKey: .verdicts)
            try c.encode(m.verdictsUnavailable, forKey: .verdictsUnavailable)
            try c.encode(m.capBreachesCreated.map { $0.map(CapBreach.init) }, forKey: .capBreaches)
        }
    }

    struct Stacking: Encodable {
        let s: SuppressedStacking
        init(_ s: SuppressedStacking) { self.s = s }
        enum CodingKeys: String, CodingKey {
            case borrowers, two = "multi_platform_2", three = "multi_platform_3"
            case amountTwo = "amount_multi_platform_2", amountThree = "amount_multi_platform_3"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(s.borrowers, forKey: .borrowers)
            try c.encode(s.multiPlatform2, forKey: .two)
            try c.encode(s.multiPlatform3, forKey: .three)
            try c.encode(s.amountMultiPlatform2, forKey: .amountTwo)
            try c.encode(s.amountMultiPlatform3, forKey: .amountThree)
        }
    }

    struct AlertJSON: Encodable {
        let alert: Alert
        init(_ alert: Alert) { self.alert = alert }
        enum CodingKeys: String, CodingKey {
            case rule, status, subject, value, limit, title, source, date, bank, partner, unit, groups
            case inForce = "in_force", firstPeriod = "first_period", periods, excess = "excess_cny"
            case firstInForce = "first_period_in_force", state, stateUntil = "state_until", ruleStatus = "rule_status"
            case related = "related_counted", bankRelated = "bank_related_to_partner"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(alert.rule.rawValue, forKey: .rule)
            try c.encode(alert.severity.rawValue, forKey: .status)
            try c.encode(alert.ruleStatus, forKey: .ruleStatus)
            try c.encode(alert.state.code, forKey: .state)
            try c.encode(alert.state.until?.description, forKey: .stateUntil)
            try c.encode(alert.subject.description, forKey: .subject)
            try c.encode(alert.subject.bank, forKey: .bank)
            try c.encode(alert.subject.partner, forKey: .partner)
            if case .groups(let presumed, _) = alert.subject { try c.encode(presumed, forKey: .groups) } else {
                try c.encodeNil(forKey: .groups)
            }
            try c.encode(alert.value, forKey: .value)
            try c.encode(alert.limit, forKey: .limit)
            try c.encode(alert.rule.unit.rawValue, forKey: .unit)
            try c.encode(alert.rule.title, forKey: .title)
            try c.encode(alert.source, forKey: .source)
            try c.encode(alert.rule.date, forKey: .date)
            try c.encode(alert.inForce, forKey: .inForce)
            try c.encode(alert.firstPeriod?.description, forKey: .firstPeriod)
            try c.encode(alert.periods, forKey: .periods)
            try c.encode(alert.firstPeriodInForce?.description, forKey: .firstInForce)
            try c.encode(alert.excessCNY, forKey: .excess)
            // Every key on every alert (null or empty where it does not apply), never omitted.
            try c.encode(alert.relatedCounted.map(RelatedJSON.init), forKey: .related)
            try c.encode(alert.bankRelatedToPartner, forKey: .bankRelated)
            try BaseFields(capital: alert.rule.cap == .singlePartner ? alert.base : nil,
                           totalLoans: alert.rule.cap == .aggregate ? alert.base : nil).encode(to: encoder)
        }
    }

    /// What changed since the previous period (`AlertChanges`).
    struct ChangesJSON: Encodable {
        let changes: AlertChanges
        enum CodingKeys: String, CodingKey { case previous = "previous_period", new, resolved, worse, better }
        struct Item: Encodable {
            let item: AlertChanges.Item
            enum CodingKeys: String, CodingKey {
                case rule, subject, bank, partner, before = "value_before", after = "value_after"
                case statusBefore = "status_before", statusAfter = "status_after", unit
            }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(item.identity.rule.rawValue, forKey: .rule)
                try c.encode(item.identity.subject.description, forKey: .subject)
                try c.encode(item.identity.subject.bank, forKey: .bank)
                try c.encode(item.identity.subject.partner, forKey: .partner)
                try c.encode(item.identity.rule.unit.rawValue, forKey: .unit)
                try c.encode(item.before?.value, forKey: .before)
                try c.encode(item.after?.value, forKey: .after)
                try c.encode(item.before?.severity.rawValue, forKey: .statusBefore)
                try c.encode(item.after?.severity.rawValue, forKey: .statusAfter)
            }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(changes.previous.description, forKey: .previous)
            try c.encode(changes.new.map(Item.init), forKey: .new)
            try c.encode(changes.resolved.map(Item.init), forKey: .resolved)
            try c.encode(changes.worse.map(Item.init), forKey: .worse)
            try c.encode(changes.better.map(Item.init), forKey: .better)
        }
    }

    struct DynamicKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

import Testing
@testable import MarketAnalytics

/// The rule layer a regulator reads, each case worked by hand in the test (never the code's own output):
/// every breaching pair, the caps' boundaries, the AML presumption as written, merger verdicts on both
/// HHI bounds, one basis per figure, and rules before they existed.
@Suite("Rules a regulator can rely on")
struct RuleLayerTests {
    static let bn = 1e9

    /// Bank B (tier-1 100 bn, loans 160 bn) funds Ant 30 bn, JD 26 bn and Lufax exactly 25 bn:
    /// two pairs over 25% (30%, 26%), Lufax at the cap is within it; all co-lending 81 bn = 50.625% > 50%.
    /// Bank C (tier-1 40 bn, loans 100 bn) funds Ant exactly 10 bn = 25% and 50 bn in all = exactly 50%.
    static func capDataset(period: Period = Period("2021Q1")!) -> MarketDataset {
        MarketDataset(
            balances: [
                BalanceRecord(period: period, platform: "Ant", bank: "B", balanceCNY: 30 * bn),
                BalanceRecord(period: period, platform: "JD", bank: "B", balanceCNY: 26 * bn),
                BalanceRecord(period: period, platform: "Lufax", bank: "B", balanceCNY: 25 * bn),
                BalanceRecord(period: period, platform: "Ant", bank: "C", balanceCNY: 10 * bn),
                BalanceRecord(period: period, platform: "JD", bank: "C", balanceCNY: 9 * bn),
                BalanceRecord(period: period, platform: "Lufax", bank: "C", balanceCNY: 31 * bn),
            ],
            marketTotals: [MarketTotal(period: period, definition: "m", totalCNY: 1_000 * bn)],
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * bn, totalLoansCNY: 160 * bn),
                    BankProfile(bank: "C", type: "rural", tier1CapitalCNY: 40 * bn, totalLoansCNY: 100 * bn)])
    }

    @Test("every (bank, partner) pair over 25% of tier-1 is an alert; exactly 25% is within the cap")
    func everyBreachingPair() {
        let analysis = PeriodAnalysis(dataset: Self.capDataset(), period: Period("2021Q1")!)
        let pairs = analysis.alerts.filter { $0.rule == .singlePartnerExposure }
        // Largest breach first, across banks.
        #expect(pairs.map(\.subject) == [.pair(bank: "C", partner: "Lufax"), .pair(bank: "B", partner: "Ant"),
                                         .pair(bank: "B", partner: "JD")])
        #expect(pairs.map(\.value) == [31.0 / 40, 0.30, 0.26])
        // Excess: how much must move for the bank to be at the cap.
        #expect(pairs.map(\.excessCNY) == [21 * Self.bn, 5 * Self.bn, 1 * Self.bn])
        #expect(pairs.allSatisfy { $0.rule.unit == .fractionOfBase && $0.inForce })
        #expect(pairs[1].subject.bank == "B" && pairs[1].subject.partner == "Ant")
    }

    @Test("all co-lending above 50% of total loans is an alert per bank; exactly 50% is within the cap")
    func aggregateCap() {
        let analysis = PeriodAnalysis(dataset: Self.capDataset(), period: Period("2021Q1")!)
        let aggregate = analysis.alerts.filter { $0.rule == .aggregateColending }
        #expect(aggregate.map(\.subject) == [.bank("B")]) // C: 50 bn of 100 bn is exactly the cap
        #expect(aggregate.first?.value == 81.0 / 160)
        #expect(aggregate.first?.excessCNY == 1 * Self.bn) // 81 − 0.5 × 160
    }

    @Test("a period ending before 2021-02-20 would breach, but no rule in force is breached")
    func notYetInForce() {
        let before = PeriodAnalysis(dataset: Self.capDataset(period: Period("2020Q4")!), period: Period("2020Q4")!)
        #expect(before.alerts.filter { $0.rule.cap != nil }.count == 4)
        #expect(before.alerts.allSatisfy { !$0.inForce })
        #expect(before.alerts.first?.ruleStatus == "would breach; rule not yet in force (issued 2021-02-20)")
        #expect(ColendingCap.isInForce(on: CalendarDate(iso: "2021-02-20")!))
        #expect(!ColendingCap.isInForce(on: CalendarDate(iso: "2021-02-19")!))
    }

    @Test("an alert's run: first period of the unbroken run reaching this period, and its length")
    func alertRuns() {
        // B × Ant: 30 bn in 2020Q3, 20 bn in 2020Q4 (within), 30 bn in 2021Q1 and 2021Q2.
        let periods = ["2020Q3", "2020Q4", "2021Q1", "2021Q2"].map { Period($0)! }
        let amounts = [30.0, 20, 30, 30]
        let dataset = MarketDataset(
            balances: zip(periods, amounts).map { BalanceRecord(period: $0, platform: "Ant", bank: "B", balanceCNY: $1 * Self.bn) },
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        let series = AnalysisSeries(dataset: dataset, key: AnalysisKey())
        let last = series.analyses[3].alerts.first { $0.rule == .singlePartnerExposure }
        #expect(last?.firstPeriod == Period("2021Q1"))
        #expect(last?.periods == 2)
        let runs = series.alertRuns(rules: [.singlePartnerExposure])
        #expect(runs.map { "\($0.firstPeriod)–\($0.lastPeriod) \($0.periods)" } == ["2020Q3–2020Q3 1", "2021Q1–2021Q2 2"])
        #expect(runs.map(\.inForce) == [false, true])
    }

    @Test("a zero-balance pairing and an unknown capital raise nothing")
    func unknownCapital() {
        let period = Period("2021Q1")!
        let dataset = MarketDataset(
            balances: [BalanceRecord(period: period, platform: "Ant", bank: "U", balanceCNY: 90 * Self.bn)],
            banks: [BankProfile(bank: "U", type: "city", tier1CapitalCNY: nil, totalLoansCNY: nil)])
        #expect(PeriodAnalysis(dataset: dataset, period: period).alerts.filter { $0.rule.cap != nil }.isEmpty)
    }

    // MARK: China AML

    static func aml(_ shares: [(String, Double)], total: Double = 1_000, date: String = "2021-12-31") -> ChinaAMLPresumption {
        ChinaAMLPresumption(undertakings: shares.map { (name: $0.0, size: $0.1) }, total: total,
                            date: CalendarDate(iso: date)!)
    }

    @Test("41% / 25% / 9.5%: three hold 75.5% ≥ 3/4, the first two are presumed dominant, the third is not")
    func amlUnderTenthCountsInTheSum() {
        let p = Self.aml([("A", 410), ("B", 250), ("C", 95), ("D", 80)]) // the rest of 1,000 unreported
        #expect(p.clauses == [3])
        #expect(p.presumedDominant == ["A", "B"])
        #expect(p.countedNotPresumed == ["C"])
        #expect(p.topShares[2] == 0.755)
    }

    @Test("a firm at exactly 1/10 is not 'below 1/10': it is presumed with the others")
    func amlExactlyOneTenth() {
        let p = Self.aml([("A", 450), ("B", 200), ("C", 100)]) // 75% exactly, C at 1/10
        #expect(p.clauses == [3])
        #expect(p.presumedDominant == ["A", "B", "C"])
        #expect(p.countedNotPresumed.isEmpty)
    }

    @Test("thresholds are reached at exactly 1/2 and 2/3; just below, no presumption")
    func amlExactThresholds() {
        #expect(Self.aml([("A", 500), ("B", 10)]).clauses == [1])
        #expect(Self.aml([("A", 499), ("B", 10)]).clauses.isEmpty)
        let two = Self.aml([("A", 1_200), ("B", 800)], total: 3_000) // 2,000 / 3,000 = 2/3 exactly
        #expect(two.clauses == [2])
        #expect(two.presumedDominant == ["A", "B"])
        #expect(Self.aml([("A", 1_200), ("B", 799)], total: 3_000).clauses.isEmpty)
    }

    @Test("the article follows the period's date: art. 19 before 2022-08-01, art. 24 from then")
    func amlArticleByDate() {
        #expect(ChinaAMLPresumption.article(on: CalendarDate(iso: "2022-07-31")!) == "art. 19 (2008 law)")
        #expect(ChinaAMLPresumption.article(on: CalendarDate(iso: "2022-08-01")!).hasPrefix("art. 24"))
        // A market verdict in 2022Q2 cites art. 19, in 2022Q3 art. 24.
        for (period, article) in [("2022Q2", "art. 19"), ("2022Q3", "art. 24")] {
            let p = Period(period)!
            let dataset = MarketDataset(balances: [BalanceRecord(period: p, platform: "A", bank: "B", balanceCNY: 600),
                                                   BalanceRecord(period: p, platform: "C", bank: "B", balanceCNY: 400)],
                                        marketTotals: [MarketTotal(period: p, definition: "m", totalCNY: 1_000)])
            let verdict = PeriodAnalysis(dataset: dataset, period: p).verdict(.chinaAML)
            #expect(verdict?.presumption?.article.hasPrefix(article) == true)
            #expect(verdict?.presumption?.presumedDominant == ["A", "C"]) // A ≥ 1/2; A + C = 100% ≥ 2/3
        }
    }

    @Test("the AML alert names the presumed groups and the counted-but-not-presumed ones as values")
    func amlAlertSubject() {
        let p = Period("2021Q4")!
        let dataset = MarketDataset(
            balances: [("A", 410.0), ("B", 250), ("C", 95), ("D", 80)].map {
                BalanceRecord(period: p, platform: $0.0, bank: "X", balanceCNY: $0.1)
            },
            marketTotals: [MarketTotal(period: p, definition: "m", totalCNY: 1_000)])
        let alert = PeriodAnalysis(dataset: dataset, period: p).alerts.first { $0.rule == .dominanceThree }
        #expect(alert?.subject == .groups(presumed: ["A", "B"], countedNotPresumed: ["C"]))
        #expect(alert?.source == "PRC Anti-Monopoly Law, art. 19 (2008 law)")
    }

    // MARK: Mergers on both bounds

    static func merger(_ shares: [String: Double], _ parties: [String]) -> MergerAnalysis {
        MergerAnalysis(parties: parties, marketShares: shares, period: Period("2021Q4")!)
    }

    @Test("25 / 8 / 12 / 8, merge the first two: after 1,297 to 1,666; US 2010 straddles 1,500")
    func us2010Straddle() {
        let m = Self.merger(["A": 0.25, "B": 0.08, "C": 0.12, "D": 0.08], ["A", "B"])
        // After: 33, 12, 8 → 1089 + 144 + 64 = 1297; R = 47 packs 5 × 8 + 7 → + 320 + 49 = 1666. Δ = 2·25·8 = 400.
        #expect(abs(m.boundsAfter.lower - 1_297) < 1e-6)
        #expect(abs(m.boundsAfter.upper - 1_666) < 1e-6)
        #expect(abs(m.deltaHHI - 400) < 1e-9)
        let v = m.verdicts.first { $0.guideline == .us2010 }!
        #expect(v.straddles)
        #expect(v.severity == .watch)
        #expect(v.finding == "unlikely to have adverse competitive effects to potentially raises significant competitive concerns (HHI bounds straddle a threshold)")
    }

    @Test("US 2023: post 1,444 to 1,808 straddles 1,800 with ΔHHI 400 → concern, never clear")
    func us2023Straddle() {
        // Reported 20, 10, 20, 12; merge the 20 and the 10 (30%, not above 30%): after 30, 20, 12 → 900 + 400 + 144 = 1444.
        // The unreported lenders stay no larger than the smallest group before the merger (10%):
        // R = 38 packs 3 × 10 + 8 → + 300 + 64 = 1808.
        let m = Self.merger(["A": 0.20, "B": 0.10, "C": 0.20, "D": 0.12], ["A", "B"])
        #expect(abs(m.boundsAfter.lower - 1_444) < 1e-6)
        #expect(abs(m.boundsAfter.upper - 1_808) < 1e-6)
        let v = m.verdicts.first { $0.guideline == .us2023 }!
        #expect(v.straddles)
        #expect(v.severity == .concern)
    }

    @Test("EU 2004: post 809 to 1,138 straddles 1,000 with ΔHHI 320 and a 28% share → watch")
    func eu2004Straddle() {
        // Merge 20 + 8 = 28% (above 25%), Δ = 320; after 28, 5 → 784 + 25 = 809; R = 67 packs 13 × 5 + 2 → + 325 + 4 = 1138.
        let m = Self.merger(["A": 0.20, "B": 0.08, "C": 0.05], ["A", "B"])
        #expect(abs(m.boundsAfter.upper - 1_138) < 1e-6)
        let v = m.verdicts.first { $0.guideline == .eu2004 }!
        #expect(v.straddles)
        #expect(v.severity == .watch)
        #expect(m.verdicts.first { $0.guideline == .us2010 }!.straddles == false) // 809–1138: below 1,500 either way
    }

    // MARK: The upper bound's assumption

    @Test("largest_unreported_share 5%: R = 0.5 packs 10 × 5% → 1,300 + 250 = 1,550; no assumption: 1,300 + 2,500")
    func statedLargestUnreported() {
        let stated = HHIBounds(marketShares: [0.3, 0.2], largestUnreported: 0.05)
        #expect(abs(stated.upper - 1_550) < 1e-6)
        #expect(abs(stated.upperNoAssumption - 3_800) < 1e-6)
        #expect(stated.assumption == .stated(0.05))
        let assumed = HHIBounds(marketShares: [0.3, 0.2])
        #expect(assumed.assumption == .smallestReported(0.2))
        #expect(assumed.assumption.text == "no unreported lender is larger than the smallest reported group (20.00%)")
    }

    // MARK: One basis per figure

    /// Balances: B funds Ant 30 bn (tier-1 100 bn). New lending: B originated 1 bn with Ant, 3 bn with JD.
    static func measureDataset(originationsTotal: Bool) -> MarketDataset {
        let p = Period("2021Q1")!
        var dataset = Self.capDataset()
        dataset.loans = LoanFigures(originations: [
            BalanceRecord(period: p, platform: "Ant", bank: "B", balanceCNY: 1 * bn),
            BalanceRecord(period: p, platform: "JD", bank: "B", balanceCNY: 3 * bn),
        ])
        if originationsTotal {
            dataset.marketTotals.append(MarketTotal(period: p, definition: "m", measure: .originations, totalCNY: 10 * bn))
        }
        return dataset
    }

    @Test("under new lending the caps stay on balances, and verdicts need a new-lending market total")
    func oneBasisPerFigure() {
        let p = Period("2021Q1")!
        let new = PeriodAnalysis(dataset: Self.measureDataset(originationsTotal: false), period: p, measure: .originations)
        #expect(new.dependence(of: "B")?.exposureToTier1("Ant") == 0.30) // balance 30 bn / 100 bn, not 1 bn
        #expect(new.alerts.filter { $0.rule == .singlePartnerExposure }.count == 3)
        #expect(new.verdicts == nil)
        #expect(new.verdictsUnavailable != nil)
        #expect(!new.alerts.contains { $0.rule.cap == nil })
        // The bank drill-down: amounts in the measure, shares of the bank's new lending, cap figure on balances.
        let funding = new.funding(of: "B", dataset: Self.measureDataset(originationsTotal: false))
        #expect(funding.rows.map(\.group) == ["JD", "Ant", "Lufax"])
        #expect(funding.rows.map(\.amountCNY) == [3 * Self.bn, 1 * Self.bn, 0])
        #expect(funding.rows.map(\.shareOfBank) == [0.75, 0.25, 0])
        #expect(funding.rows.map(\.exposureToTier1) == [0.26, 0.30, 0.25])

        let withTotal = PeriodAnalysis(dataset: Self.measureDataset(originationsTotal: true), period: p, measure: .originations)
        #expect(withTotal.verdicts?.count == Guideline.allCases.count)
        #expect(withTotal.groups.first { $0.group == "JD" }?.shareOfMarket == 0.3) // 3 bn of a 10 bn new-lending market
    }

    // MARK: Found by review

    @Test("a gap in the data ends a run, and a run before the caps existed is not merged into the run after")
    func runsAreCalendarTrue() {
        // B × Ant at 30% of tier-1 in 2020Q3, 2020Q4, 2021Q1, (no 2021Q2 in the data), 2021Q3.
        let periods = ["2020Q3", "2020Q4", "2021Q1", "2021Q3"].map { Period($0)! }
        let dataset = MarketDataset(
            balances: periods.map { BalanceRecord(period: $0, platform: "Ant", bank: "B", balanceCNY: 30 * Self.bn) },
            marketTotals: periods.map { MarketTotal(period: $0, definition: "m", totalCNY: 1_000 * Self.bn) },
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        let series = AnalysisSeries(dataset: dataset, key: AnalysisKey())
        let q1 = series.analyses[2].alerts.first { $0.rule == .singlePartnerExposure }
        #expect(q1?.firstPeriod == Period("2020Q3"))      // the breach has run since 2020Q3...
        #expect(q1?.periods == 3)
        #expect(q1?.firstPeriodInForce == Period("2021Q1")) // ...and broken a rule in force since 2021Q1
        let q3 = series.analyses[3].alerts.first { $0.rule == .singlePartnerExposure }
        #expect(q3?.firstPeriod == Period("2021Q3"))      // 2021Q2 is missing: a new run
        #expect(q3?.periods == 1)
        let runs = series.alertRuns(rules: [.singlePartnerExposure])
        #expect(runs.map { "\($0.firstPeriod)–\($0.lastPeriod) \($0.inForce)" }
                == ["2020Q3–2020Q4 false", "2021Q1–2021Q1 true", "2021Q3–2021Q3 true"])
        // The change in share is against the calendar period before, which 2021Q3 lacks.
        #expect(series.analyses[3].groups.first?.changePP == nil)
        #expect(series.analyses[2].groups.first?.changePP == 0)
    }

    @Test("a guideline's alerts say whether it applied at the period's date (US 2023 from 2023-12-18; US 2010 until then)")
    func guidelinesInForce() {
        #expect(!Guideline.us2023.isInForce(on: CalendarDate(iso: "2023-12-17")!))
        #expect(Guideline.us2023.isInForce(on: CalendarDate(iso: "2023-12-18")!))
        #expect(Guideline.us2010.isInForce(on: CalendarDate(iso: "2023-12-17")!))
        #expect(!Guideline.us2010.isInForce(on: CalendarDate(iso: "2023-12-18")!))
        let p = Period("2020Q4")!
        let dataset = MarketDataset(balances: [BalanceRecord(period: p, platform: "A", bank: "X", balanceCNY: 600)],
                                    marketTotals: [MarketTotal(period: p, definition: "m", totalCNY: 1_000)])
        let alerts = PeriodAnalysis(dataset: dataset, period: p).alerts
        #expect(alerts.first { $0.rule == .us2023Concentration }?.inForce == false)
        #expect(alerts.first { $0.rule == .us2010Concentration }?.inForce == true)
        #expect(alerts.first { $0.rule == .us2023Concentration }?.ruleStatus.hasPrefix("guideline not in force") == true)
    }

    @Test("merging the smallest groups keeps the market's assumption: 25/12/8/8, C+D → upper 1,025 + 5·64 + 7² = 1,394")
    func mergerKeepsAssumption() {
        let m = Self.merger(["A": 0.25, "B": 0.12, "C": 0.08, "D": 0.08], ["C", "D"])
        #expect(abs(m.boundsBefore.upper - 1_266) < 1e-6) // 625 + 144 + 64 + 64 + 5·64 + 49
        #expect(abs(m.boundsAfter.upper - 1_394) < 1e-6)
        #expect(m.boundsAfter.assumption == .smallestReported(0.08))
    }

    @Test("AML: 'two (three) undertakings' as written: ties for a place are alike; 50/20/17 presumes the third too")
    func amlAnyUndertakings() {
        let ties = Self.aml([("A", 350), ("B", 250), ("C", 150), ("D", 150)])
        #expect(ties.presumedDominant == ["A", "B", "C", "D"]) // A + B + C = A + B + D = 75%
        let third = Self.aml([("A", 500), ("B", 200), ("C", 170)])
        #expect(third.presumedDominant == ["A", "B", "C"]) // A + C = 67% ≥ 2/3
        #expect(Self.aml([("A", 400), ("B", 250), ("C", 90), ("D", 10)]).clauses.isEmpty) // 74% < 3/4
    }

    @Test("no market total: no competition verdicts on balances either, and the bounds say why")
    func noMarketTotal() {
        let p = Period("2021Q4")!
        let dataset = MarketDataset(balances: [BalanceRecord(period: p, platform: "A", bank: "X", balanceCNY: 600)])
        let analysis = PeriodAnalysis(dataset: dataset, period: p)
        #expect(analysis.verdicts == nil)
        #expect(analysis.verdictsUnavailable == "no competition verdicts without a market total for 2021Q4 in market.csv: "
                + "shares of the reported groups are not market shares")
        #expect(analysis.bounds.assumption == .noMarketTotal)
        #expect(!analysis.alerts.contains { $0.rule.cap == nil })
    }

    @Test("US 2010: a ΔHHI of exactly 100 is neither 'less than 100' nor 'more than 100', and is shown so")
    func us2010ExactlyHundred() {
        let m = Self.merger(["A": 0.05, "B": 0.10, "C": 0.85], ["A", "B"]) // Δ = 2·5·10 = 100, post 7,450
        let v = m.verdicts.first { $0.guideline == .us2010 }!
        #expect(v.finding == "ΔHHI exactly 100: between the text's 'less than 100' and 'more than 100'")
        #expect(v.severity == .watch)
    }
}

import Testing
@testable import MarketAnalytics

/// Thresholds as published: US 2010 HMG §5.3, US 2023 MG Guideline 1, EU HMG (OJ C 31) ¶19–21, PRC AML art. 24.
@Suite("Guideline verdicts")
struct GuidelineTests {
    static func market(_ hhi: Double) -> HHIBounds {
        // One firm with share √(hhi)/100 and the rest spread: lower bound = hhi.
        let share = (hhi / 10_000).squareRoot()
        return HHIBounds(marketShares: [share])
    }

    @Test("US 2010: below 1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated",
          arguments: [(1_499.0, "unconcentrated"), (1_500.0, "moderately concentrated"),
                      (2_500.0, "moderately concentrated"), (2_501.0, "highly concentrated")])
    func us2010Levels(hhi: Double, finding: String) {
        #expect(Guideline.us2010.marketLevel(hhi).finding == finding)
    }

    @Test("US 2023: highly concentrated above 1,800",
          arguments: [(1_800.0, "not highly concentrated"), (1_800.5, "highly concentrated")])
    func us2023Levels(hhi: Double, finding: String) {
        #expect(Guideline.us2023.marketLevel(hhi).finding == finding)
    }

    @Test("EU 2004: below 1,000 low, 1,000–2,000 moderate, above 2,000 high",
          arguments: [(999.0, Severity.clear), (1_000.0, .watch), (2_000.0, .watch), (2_001.0, .concern)])
    func eu2004Levels(hhi: Double, severity: Severity) {
        #expect(Guideline.eu2004.marketLevel(hhi).severity == severity)
    }

    @Test("bounds that straddle a threshold give a finding naming both sides")
    func straddlingBounds() {
        let bounds = HHIBounds(marketShares: [0.3, 0.2]) // 1,300 to 2,200
        let verdict = Guideline.us2010.verdict(hhi: bounds, undertakings: [("A", 0.3), ("B", 0.2)], total: 1,
                                               date: CalendarDate(iso: "2021-12-31")!)
        #expect(verdict.finding == "unconcentrated to moderately concentrated (HHI bounds straddle a threshold)")
        #expect(verdict.severity == .watch)
    }

    /// Shares in whole percent as sizes out of 100, so sums such as 45 + 21 + 9 = 75 are exact.
    static func presumption(_ percents: [Double]) -> ChinaAMLPresumption {
        ChinaAMLPresumption(undertakings: percents.enumerated().map { (name: "G\($0.offset + 1)", size: $0.element) },
                            total: 100, date: CalendarDate(iso: "2021-12-31")!)
    }

    @Test("China AML: one firm ≥ 1/2, two ≥ 2/3, three ≥ 3/4; firms under 1/10 count in the sums",
          arguments: [([50, 10], true), ([49, 18], true), ([40, 26], false), ([30, 25, 21], true),
                      ([60, 9], true), ([45, 22, 9], true), ([40, 26, 9], true), ([40, 25, 9], false),
                      ([54.9, 11, 9], true)] as [([Double], Bool)])
    func chinaPresumptions(shares: [Double], presumed: Bool) {
        let verdict = Guideline.chinaAML.chinaDominanceVerdict(Self.presumption(shares))
        #expect((verdict.severity == .concern) == presumed)
    }

    @Test("three firms 45/21/9: together 75% ≥ 3/4, so the first two are presumed; the 9% firm is counted, not presumed")
    func chinaSmallFirmCountedNotPresumed() {
        let verdict = Guideline.chinaAML.chinaDominanceVerdict(Self.presumption([45, 21, 9]))
        #expect(verdict.presumption?.presumedDominant == ["G1", "G2"])
        #expect(verdict.finding == "dominance presumed: G1, G2 (jointly); G3 counted but under 1/10, not presumed")
        #expect(verdict.threshold == "three ≥ 3/4 (art. 19 (2008 law))")
    }

    @Test("US 2023 merger: post HHI > 1,800 with ΔHHI > 100 is presumed; share > 30% with ΔHHI > 100 too")
    func us2023Merger() {
        let concentrated = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.30, "B": 0.10, "C": 0.30, "D": 0.30])
        #expect(concentrated.hhiAfter > 1_800 && concentrated.deltaHHI > 100)
        #expect(Guideline.us2023.verdict(merger: concentrated).threshold == "post HHI > 1,800 and ΔHHI > 100")
        let shareOnly = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.20, "B": 0.12])
        #expect(shareOnly.hhiAfter <= 1_800)
        // The unreported 68% may hold firms up to 32%: post HHI 1,024 to 3,088, presumed at both ends.
        #expect(Guideline.us2023.verdict(merger: shareOnly).threshold == "merged share > 30% and ΔHHI > 100")
        #expect(Guideline.us2023.verdict(merger: shareOnly).severity == .concern)
        let small = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.05, "B": 0.05])
        #expect(Guideline.us2023.verdict(merger: small).severity == .clear)
    }

    @Test("US 2010 merger: highly concentrated with ΔHHI > 200 is presumed to enhance market power")
    func us2010Merger() {
        let m = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.40, "B": 0.10, "C": 0.30, "D": 0.20])
        #expect(m.hhiAfter > 2_500 && m.deltaHHI > 200)
        #expect(Guideline.us2010.verdict(merger: m).finding == "presumed likely to enhance market power")
        let tiny = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.05, "B": 0.05, "C": 0.90])
        #expect(Guideline.us2010.verdict(merger: tiny).threshold == "ΔHHI < 100")
    }

    @Test("EU 2004 merger: combined ≤ 25% compatible; ≥ 50% evidence of dominance; safe harbours by ΔHHI")
    func eu2004Merger() {
        let small = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.15, "B": 0.10])
        #expect(Guideline.eu2004.verdict(merger: small).finding == "presumed compatible")
        let dominant = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.30, "B": 0.20])
        #expect(Guideline.eu2004.verdict(merger: dominant).threshold == "merged share ≥ 50%")
        let outside = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.20, "B": 0.10, "C": 0.35, "D": 0.35])
        #expect(outside.hhiAfter > 2_000 && outside.deltaHHI >= 150)
        #expect(Guideline.eu2004.verdict(merger: outside).severity == .watch)
    }

    @Test("every guideline carries its title, issuer, ISO date and rule text")
    func guidelineMetadata() {
        for g in Guideline.allCases {
            #expect(CalendarDate(iso: g.date) != nil)
            #expect(!g.ruleText.isEmpty && !g.issuer.isEmpty && !g.title.isEmpty)
        }
        #expect(Guideline.us2023.date == "2023-12-18")
        #expect(Guideline.us2010.date == "2010-08-19")
        #expect(Guideline.eu2004.date == "2004-02-05")
    }
}

extension MergerAnalysis {
    /// A what-if in a period after every threshold in these tests took effect.
    init(parties: [String], marketShares: [String: Double]) {
        self.init(parties: parties, marketShares: marketShares, period: Period("2021Q4")!)
    }
}

extension Guideline {
    func verdict(merger: MergerAnalysis) -> Verdict { verdict(merger: merger, date: merger.period.endDate) }
}

import Testing
@testable import MarketAnalytics

@Suite("Merger what-if")
struct MergerAnalysisTests {
    @Test("merging 5% and 10% raises HHI by 100 (US Horizontal Merger Guidelines 2010, §5.3 note)")
    func guidelinesExample() {
        let m = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.05, "B": 0.10, "C": 0.85])
        #expect(abs(m.deltaHHI - 100) < 1e-9)
        #expect(abs(m.mergedShare - 0.15) < 1e-12)
        #expect(abs((m.hhiAfter - m.hhiBefore) - m.deltaHHI) < 1e-9)
    }

    @Test("three parties: ΔHHI = 2(S_a S_b + S_a S_c + S_b S_c)")
    func threeParties() {
        let m = MergerAnalysis(parties: ["A", "B", "C"], marketShares: ["A": 0.10, "B": 0.20, "C": 0.30, "D": 0.40])
        #expect(abs(m.deltaHHI - 2 * (200 + 300 + 600)) < 1e-9)
        #expect(abs(m.hhiAfter - (3_600 + 1_600)) < 1e-9)
    }

    @Test("verdicts list every guideline in order")
    func verdictsCoverEveryGuideline() {
        let m = MergerAnalysis(parties: ["A", "B"], marketShares: ["A": 0.3, "B": 0.3, "C": 0.4])
        #expect(m.verdicts.map(\.guideline) == Guideline.allCases)
    }
}

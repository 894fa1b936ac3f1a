import Testing
@testable import MarketAnalytics

/// A small market worked by hand: total 1,000; platforms P1 (group G1) 200 and P2 (group G1) 100,
/// P3 (group G2) 100; banks B1 (tier-1 100, loans 400), B2 (tier-1 50, no loans figure), L1 (G1's own lender).
@Suite("One period's analysis")
struct PeriodAnalysisTests {
    static let q1 = Period("2020Q1")!
    static let q2 = Period("2020Q2")!

    static func dataset(withMarket: Bool = true) -> MarketDataset {
        MarketDataset(
            balances: [
                BalanceRecord(period: q1, platform: "P1", bank: "B1", balanceCNY: 100, provenance: .sourced),
                BalanceRecord(period: q1, platform: "P3", bank: "B2", balanceCNY: 100, provenance: .sourced),
                BalanceRecord(period: q2, platform: "P1", bank: "B1", balanceCNY: 150, provenance: .sourced),
                BalanceRecord(period: q2, platform: "P1", bank: "L1", balanceCNY: 50, provenance: .derived),
                BalanceRecord(period: q2, platform: "P2", bank: "B2", balanceCNY: 100, provenance: .recalled),
                BalanceRecord(period: q2, platform: "P3", bank: "B2", balanceCNY: 60, provenance: .sourced),
                BalanceRecord(period: q2, platform: "P3", bank: "B1", balanceCNY: 40, provenance: .estimated),
            ],
            marketTotals: withMarket ? [
                MarketTotal(period: q1, definition: "narrow", totalCNY: 1_000, provenance: .sourced),
                MarketTotal(period: q2, definition: "narrow", totalCNY: 1_000, provenance: .derived),
                MarketTotal(period: q2, definition: "wide", totalCNY: 2_000, provenance: .sourced),
            ] : [],
            exchangeRates: [
                ExchangeRate(date: CalendarDate(iso: "2020-06-30")!, usdCNY: 8),
                ExchangeRate(date: CalendarDate(iso: "2020-03-31")!, usdCNY: 7),
                ExchangeRate(date: CalendarDate(iso: "2020-07-15")!, usdCNY: 10),
            ],
            groupOfPlatform: ["P1": "G1", "P2": "G1", "P3": "G2"],
            banks: [
                BankProfile(bank: "B1", type: "city commercial", tier1CapitalCNY: 100, totalLoansCNY: 400),
                BankProfile(bank: "B2", type: "rural commercial", tier1CapitalCNY: 50, totalLoansCNY: nil),
                BankProfile(bank: "L1", type: "platform lender", tier1CapitalCNY: nil, totalLoansCNY: nil, ownerGroup: "G1"),
            ]
        )
    }

    @Test("groups aggregate their platforms; shares are of the default (first) market definition")
    func groupShares() throws {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(a.marketDefinition == "narrow")
        #expect(a.groups.map(\.group) == ["G1", "G2"])
        #expect(a.groups[0].balanceCNY == 300)
        #expect(a.groups[0].shareOfMarket == 0.3)
        #expect(a.groups[0].shareOfPlatforms == 0.75)
        #expect(a.othersCNY == 600)
        #expect(abs(a.othersShare - 0.6) < 1e-12)
        #expect(!a.denominatorIsSumOfGroups)
    }

    @Test("a group's flag is the weakest of its rows: R beats D and S; E beats all")
    func weakestFlag() {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(a.groups[0].provenance == .recalled)
        #expect(a.groups[1].provenance == .estimated)
    }

    @Test("change in percentage points vs the previous period; nil in the first period")
    func changeInPoints() throws {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        // G1: 10% → 30% (+20 pp); G2: 10% → 10% (0 pp).
        #expect(abs(try #require(a.groups[0].changePP) - 20) < 1e-9)
        #expect(abs(try #require(a.groups[1].changePP)) < 1e-9)
        #expect(PeriodAnalysis(dataset: Self.dataset(), period: Self.q1).groups.allSatisfy { $0.changePP == nil })
    }

    @Test("another definition changes the denominator")
    func otherDefinition() {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2, definition: "wide")
        #expect(a.groups[0].shareOfMarket == 0.15)
        #expect(a.marketTotal?.provenance == .sourced)
    }

    @Test("without a market total the denominator is the sum of the groups, and it says so")
    func sumOfGroupsFallback() {
        let a = PeriodAnalysis(dataset: Self.dataset(withMarket: false), period: Self.q2)
        #expect(a.denominatorIsSumOfGroups)
        #expect(a.groups[0].shareOfMarket == 0.75)
        #expect(a.othersShare == 0)
        #expect(a.bounds.upper == a.bounds.lower)
    }

    @Test("FX is the rate on or before the period end, or on or before --fx-date")
    func exchangeRateChoice() {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(a.exchangeRate?.usdCNY == 8)
        #expect(a.groups[0].balanceUSD == 37.5)
        let later = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2, fxDate: CalendarDate(iso: "2020-08-01"))
        #expect(later.exchangeRate?.usdCNY == 10)
        let early = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2, fxDate: CalendarDate(iso: "2019-01-01"))
        #expect(early.exchangeRate == nil)
        #expect(early.groups[0].balanceUSD == nil)
    }

    @Test("indices: market HHI lower bound 900 + 100 = 1,000; HHI within platforms 5,625 + 625 = 6,250")
    func indices() {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(abs(a.indices.hhi - 1_000) < 1e-9)
        #expect(abs(a.indices.hhiPlatforms - 6_250) < 1e-9)
        // Residual 0.6 packed in firms of 0.1: 6 · 100 = 600 more.
        #expect(abs(a.indices.hhiUpper - 1_600) < 1e-9)
        #expect(abs(a.indices.cr1 - 0.3) < 1e-12)
        #expect(a.verdict(.us2010)?.finding == "unconcentrated to moderately concentrated (HHI bounds straddle a threshold)")
    }

    @Test("bank dependence: exposures to groups against tier-1 and total loans; own lenders excluded")
    func bankDependence() throws {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(a.banks.map(\.bank) == ["B2", "B1"])
        let b2 = a.banks[0]
        // B2 funds G1 100 and G2 60: top G1, 100/160; exposure 100/50 = 200% of tier-1; no loans figure.
        #expect(b2.topPartner == "G1")
        #expect(b2.topPartnerShare == 0.625)
        #expect(abs(b2.partnerHHI - (6_250.0 * 0.625 + 3_750.0 * 0.375)) < 1e-9)
        #expect(b2.maxExposureToTier1 == 2)
        #expect(b2.colendingToTotalLoans == nil)
        #expect(b2.breachesSinglePartnerCap && !b2.breachesAggregateCap)
        let b1 = a.banks[1]
        // B1 funds G1 150 and G2 40: exposure 150/100, co-lending 190/400.
        #expect(b1.maxExposureToTier1 == 1.5)
        #expect(b1.colendingToTotalLoans == 0.475)
        #expect(!b1.breachesAggregateCap)
    }

    @Test("a group's funders, funder HHI and own-funded share")
    func funders() {
        let g1 = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2).groups[0]
        #expect(g1.funders.map(\.bank) == ["B1", "B2", "L1"])
        #expect(abs(g1.ownFundedShare - 50.0 / 300.0) < 1e-12)
        let shares = [150.0, 100, 50].map { $0 / 300 }
        #expect(abs(g1.funderHHI - ConcentrationIndex.hhi(shares: shares)) < 1e-9)
        #expect(g1.platforms.map(\.name) == ["P1", "P2"])
    }

    @Test("a merger needs two or more distinct known groups")
    func mergerValidation() throws {
        let a = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(abs(try #require(a.merger(of: ["G1", "G2"])?.deltaHHI) - 2 * 30 * 10) < 1e-9)
        #expect(a.merger(of: ["G1"]) == nil)
        #expect(a.merger(of: ["G1", "G1"]) == nil)
        #expect(a.merger(of: ["G1", "nobody"]) == nil)
    }

    @Test("withLoans swaps in another dataset's stacking under balances, and declines under originations")
    func withLoans() throws {
        let before = PeriodAnalysis(dataset: Self.dataset(), period: Self.q2)
        #expect(before.stacking == nil)
        var withLoans = Self.dataset()
        let figures = StackingFigures(borrowers: 4, multiPlatform2: 1, multiPlatform3: 0, amountMultiPlatform2: 9,
                                      amountMultiPlatform3: 0)
        withLoans.loans = LoanFigures(stacking: [Self.q2: figures])
        let after = try #require(before.withLoans(of: withLoans))
        #expect(after.stacking == figures)
        #expect(after.groups.map(\.balanceCNY) == before.groups.map(\.balanceCNY))
        #expect(after.stacking == PeriodAnalysis(dataset: withLoans, period: Self.q2).stacking)
        var unavailable = Self.dataset()
        unavailable.loans = LoanFigures()
        unavailable.loans?.stackingUnavailable = "over 768 borrower-periods"
        #expect(before.withLoans(of: unavailable)?.stackingUnavailable == "over 768 borrower-periods")
        #expect(PeriodAnalysis(dataset: withLoans, period: Self.q2, measure: .originations).withLoans(of: withLoans) == nil)
    }
}

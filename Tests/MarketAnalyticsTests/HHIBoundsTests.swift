import Testing
@testable import MarketAnalytics

@Suite("HHI bounds with an unreported part of the market (Kvålseth 2018, Heliyon 4:e00846)")
struct HHIBoundsTests {
    @Test("known shares 0.3 and 0.2 leave R = 0.5: lower 1,300, upper 1,300 + 2·400 + 100 = 2,200")
    func packingBound() {
        // q = ⌊0.5 / 0.2⌋ = 2 firms of 0.2, r = 0.1: 0.09 + 0.04 + 2·0.04 + 0.01 = 0.22.
        let bounds = HHIBounds(marketShares: [0.3, 0.2])
        #expect(abs(bounds.lower - 1_300) < 1e-9)
        #expect(abs(bounds.upper - 2_200) < 1e-9)
        #expect(abs(bounds.unreported - 0.5) < 1e-12)
    }

    @Test("the upper bound is below the invalid 'other as one firm' figure once R exceeds the smallest share")
    func otherAsOneFirmIsNotABound() {
        let bounds = HHIBounds(marketShares: [0.3, 0.2])
        let otherAsOneFirm = (0.09 + 0.04 + 0.25) * 10_000
        #expect(bounds.upper < otherAsOneFirm)
    }

    @Test("bounds coincide when the whole market is reported")
    func fullyReported() {
        let bounds = HHIBounds(marketShares: [0.3, 0.3, 0.2, 0.2])
        #expect(abs(bounds.lower - 2_600) < 1e-9)
        #expect(bounds.upper == bounds.lower)
        #expect(bounds.unreported == 0)
    }

    @Test("a residual that is an exact multiple of the smallest share packs without remainder")
    func exactPacking() {
        let bounds = HHIBounds(marketShares: [0.5, 0.25])
        #expect(abs(bounds.upper - (0.25 + 0.0625 + 0.0625) * 10_000) < 1e-9)
    }

    @Test("nothing reported: lower 0, upper 10,000")
    func nothingReported() {
        let bounds = HHIBounds(marketShares: [])
        #expect(bounds.lower == 0)
        #expect(bounds.upper == 10_000)
    }
}

import Foundation
import Testing
@testable import MarketAnalytics

/// Each expected value comes from a published source named in the test, never from this code.
@Suite("Concentration indices against published values")
struct ConcentrationIndexTests {
    /// R ineq documentation example vector (ineq::Gini, ineq::Theil help pages).
    static let ineqIncomes: [Double] = [541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]

    @Test("HHI of 30/30/20/20 is 2,600 (US DOJ, Herfindahl-Hirschman Index page)")
    func hhiDOJExample() {
        #expect(abs(ConcentrationIndex.hhi(shares: [0.30, 0.30, 0.20, 0.20]) - 2_600) < 1e-9)
    }

    @Test("equivalent number of firms is 10,000 / HHI: four firms 30/30/20/20 act like 3.85 equal firms")
    func equivalentFirms() throws {
        let n = try #require(ConcentrationIndex.equivalentFirms(hhi: 2_600))
        #expect(abs(n - 10_000.0 / 2_600.0) < 1e-12)
        #expect(ConcentrationIndex.equivalentFirms(hhi: 0) == nil)
    }

    @Test("uncorrected Gini of the ineq example is 0.4620911 (R ineq::Gini documentation)")
    func giniIneq() throws {
        let g = try #require(ConcentrationIndex.gini(sizes: Self.ineqIncomes))
        #expect(abs(g - 0.4620911) < 5e-8)
    }

    @Test("corrected Gini of the ineq example is 0.5134346 (ineq::Gini(corr = TRUE))")
    func giniCorrectedIneq() throws {
        let g = try #require(ConcentrationIndex.giniCorrected(sizes: Self.ineqIncomes))
        #expect(abs(g - 0.5134346) < 5e-8)
    }

    @Test("Gini of 1,3,2,1,1,1,4 is 0.3076923 (R phylotools::gini documentation, adopted from ineq)")
    func giniPhylotools() throws {
        let g = try #require(ConcentrationIndex.gini(sizes: [1, 3, 2, 1, 1, 1, 4]))
        #expect(abs(g - 0.3076923) < 5e-8)
    }

    @Test("Gini is 0 for equal sizes and undefined for no sizes")
    func giniEdges() {
        #expect(ConcentrationIndex.gini(sizes: [5, 5, 5]) == 0)
        #expect(ConcentrationIndex.gini(sizes: []) == nil)
        #expect(ConcentrationIndex.gini(sizes: [0, 0]) == nil)
    }

    @Test("Theil T of the ineq example is 0.3623412 (R ineq::Theil, parameter 0)")
    func theilIneq() throws {
        let shares = try #require(ConcentrationIndex.shares(of: Self.ineqIncomes))
        let t = try #require(ConcentrationIndex.theilT(shares: shares))
        #expect(abs(t - 0.3623412) < 5e-8)
    }

    @Test("relative entropy of shares 2/3, 1/3 is 0.9182958 (rinform shannon_entropy example, 1 bit = ln 2)")
    func entropyRinform() throws {
        let shares = [2.0 / 3.0, 1.0 / 3.0]
        let relative = try #require(ConcentrationIndex.relativeEntropy(shares: shares))
        #expect(abs(relative - 0.9182958) < 5e-8)
        #expect(abs(ConcentrationIndex.entropy(shares: shares) - 0.9182958 * log(2.0)) < 5e-8)
    }

    @Test("entropy skips zero shares and is ln N for N equal firms (Shannon 1948)")
    func entropyEqual() {
        #expect(abs(ConcentrationIndex.entropy(shares: [0.25, 0.25, 0.25, 0.25, 0]) - log(4.0)) < 1e-12)
    }

    @Test("García-Alba dominance of two concstats examples is 0.45 and 0.41 (concstats_dom documentation, 2 digits)",
          arguments: [([0.35, 0.4, 0.05, 0.1, 0.06, 0.04], 0.45), ([0.4, 0.2, 0.25, 0.1, 0.05], 0.41)])
    func dominanceConcstats(shares: [Double], expected: Double) throws {
        let d = try #require(ConcentrationIndex.dominance(shares: shares))
        #expect(abs(d - expected) < 0.005)
    }

    @Test("HHI of the concstats example is 0.30 on the 0–1 scale (concstats_all_comp documentation)")
    func hhiConcstats() {
        let h = ConcentrationIndex.hhi(shares: [0.35, 0.4, 0.05, 0.1, 0.06, 0.04]) / 10_000
        #expect(abs(h - 0.30) < 0.005)
    }

    @Test("Hall–Tideman equals 1 / (N (1 − Gini)) with ineq's published Gini (identity in the domain notes)")
    func hallTidemanIdentity() throws {
        let shares = try #require(ConcentrationIndex.shares(of: Self.ineqIncomes))
        let ht = try #require(ConcentrationIndex.hallTideman(shares: shares))
        #expect(abs(ht - 1 / (10 * (1 - 0.4620911))) < 1e-7)
    }

    @Test("Hall–Tideman is 1/N for equal shares and 1 for a monopoly")
    func hallTidemanEdges() throws {
        #expect(abs(try #require(ConcentrationIndex.hallTideman(shares: [0.2, 0.2, 0.2, 0.2, 0.2])) - 0.2) < 1e-12)
        #expect(try #require(ConcentrationIndex.hallTideman(shares: [1])) == 1)
    }

    @Test("Linda index of K equal firms is 1/K (Linda 1976; domain notes)", arguments: [2, 3, 5, 12])
    func lindaEqualShares(k: Int) throws {
        let l = try #require(ConcentrationIndex.linda(shares: Array(repeating: 1.0 / Double(k), count: k)))
        #expect(abs(l - 1.0 / Double(k)) < 1e-12)
    }

    @Test("Linda of two firms 0.6/0.4 is Q₁/2 = (0.6/0.4)/2 = 0.75 (definition worked by hand)")
    func lindaTwoFirms() throws {
        #expect(abs(try #require(ConcentrationIndex.linda(shares: [0.4, 0.6])) - 0.75) < 1e-12)
        #expect(ConcentrationIndex.linda(shares: [1]) == nil)
    }

    @Test("normalised HHI is 0 for equal shares, 1 for a monopoly among N, undefined for one firm")
    func normalizedHHI() throws {
        #expect(abs(try #require(ConcentrationIndex.normalizedHHI(shares: [0.25, 0.25, 0.25, 0.25]))) < 1e-12)
        #expect(abs(try #require(ConcentrationIndex.normalizedHHI(shares: [1, 0, 0])) - 1) < 1e-12)
        #expect(ConcentrationIndex.normalizedHHI(shares: [1]) == nil)
    }

    @Test("CRk sums the k largest shares and all of them when there are fewer than k")
    func concentrationRatios() {
        let shares = [0.1, 0.3, 0.2, 0.05]
        #expect(abs(ConcentrationIndex.concentrationRatio(1, shares: shares) - 0.3) < 1e-12)
        #expect(abs(ConcentrationIndex.concentrationRatio(3, shares: shares) - 0.6) < 1e-12)
        #expect(abs(ConcentrationIndex.concentrationRatio(8, shares: shares) - 0.65) < 1e-12)
    }
}

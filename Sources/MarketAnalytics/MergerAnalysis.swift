/// A static what-if: the named groups become one firm and every share stays as it was.
public struct MergerAnalysis: Hashable, Sendable {
    public let parties: [String]
    /// The merged firm's share of the market (fraction).
    public let mergedShare: Double
    /// Market HHI before (lower bound, 0–10,000).
    public let hhiBefore: Double
    /// Market HHI after (lower bound, 0–10,000).
    public let hhiAfter: Double
    /// 2 Σ_{a<b} S_a S_b with shares in percent.
    public let deltaHHI: Double
    public let boundsBefore: HHIBounds
    public let boundsAfter: HHIBounds
    /// Market shares after the merger, merged firm first.
    public let marketSharesAfter: [Double]

    /// - Parameters:
    ///   - parties: the merging groups' names, each present in `marketShares`.
    ///   - marketShares: every reported group's market share (fraction).
    public init(parties: [String], marketShares: [String: Double]) {
        self.parties = parties
        let partyShares = parties.map { marketShares[$0] ?? 0 }
        var delta = 0.0
        for a in 0..<partyShares.count {
            for b in (a + 1)..<max(a + 1, partyShares.count) {
                delta += 2 * (partyShares[a] * 100) * (partyShares[b] * 100)
            }
        }
        let merged = partyShares.reduce(0, +)
        let partySet = Set(parties)
        let rest = marketShares.filter { !partySet.contains($0.key) }.map(\.value).sorted(by: >)
        let before = HHIBounds(marketShares: Array(marketShares.values))
        let after = HHIBounds(marketShares: [merged] + rest)
        self.mergedShare = merged
        self.deltaHHI = delta
        self.boundsBefore = before
        self.boundsAfter = after
        self.hhiBefore = before.lower
        self.hhiAfter = after.lower
        self.marketSharesAfter = [merged] + rest
    }

    public var verdicts: [Verdict] {
        Guideline.allCases.map { $0.verdict(merger: self) }
    }
}

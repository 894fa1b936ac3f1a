/// A static what-if: the named groups become one firm and every share stays as it was.
public struct MergerAnalysis: Sendable {
    public let parties: [String]
    /// The period whose shares are merged.
    public let period: Period
    /// The merged firm's share of the market (fraction).
    public let mergedShare: Double
    /// Market HHI before (lower bound, 0–10,000).
    public var hhiBefore: Double { boundsBefore.lower }
    /// Market HHI after (lower bound, 0–10,000).
    public var hhiAfter: Double { boundsAfter.lower }
    /// 2 Σ_{a<b} S_a S_b with shares in percent. Exact: it involves only the (reported) parties.
    public let deltaHHI: Double
    public let boundsBefore: HHIBounds
    public let boundsAfter: HHIBounds
    /// Every firm after the merger with its market share, the merged firm first (named by its parties).
    public let undertakingsAfter: [(name: String, size: Double)]
    /// Each guideline's verdict, judged on both HHI bounds after the merger.
    public internal(set) var verdicts: [Verdict]
    /// Why `verdicts` is empty: no market total for the period (shares of the reported groups are
    /// not market shares); nil when there are verdicts.
    public internal(set) var verdictsUnavailable: String?
    /// The banks that would newly breach the 25% cap with the merged partner; nil when not computed
    /// (a what-if on shares alone).
    public internal(set) var capBreachesCreated: [MergerCapBreach]?

    /// Market shares after the merger, merged firm first.
    public var marketSharesAfter: [Double] { undertakingsAfter.map(\.size) }

    /// - Parameters:
    ///   - parties: the merging groups' names, each present in `marketShares`.
    ///   - marketShares: every reported group's market share (fraction).
    ///   - period: the period of the shares (its end date picks the AML article).
    ///   - largestUnreported: the stated cap on an unreported lender's share, as for the market's bounds.
    public init(parties: [String], marketShares: [String: Double], period: Period, largestUnreported: Double? = nil) {
        self.parties = parties
        self.period = period
        let partyShares = parties.map { marketShares[$0] ?? 0 }
        var delta = 0.0
        for a in 0..<partyShares.count {
            for b in (a + 1)..<max(a + 1, partyShares.count) {
                delta += 2 * (partyShares[a] * 100) * (partyShares[b] * 100)
            }
        }
        let merged = partyShares.reduce(0, +)
        let partySet = Set(parties)
        let rest = marketShares.filter { !partySet.contains($0.key) }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { (name: $0.key, size: $0.value) }
        self.mergedShare = merged
        self.deltaHHI = delta
        let before = HHIBounds(marketShares: marketShares.sorted { $0.key < $1.key }.map(\.value), largestUnreported: largestUnreported)
        self.boundsBefore = before
        // The unreported lenders do not grow when reported groups merge: the same assumption after.
        self.boundsAfter = HHIBounds(marketShares: [merged] + rest.map(\.size), assumption: before.assumption)
        let undertakings = [(name: parties.joined(separator: " + "), size: merged)] + rest
        self.undertakingsAfter = undertakings
        self.verdicts = []
        self.verdicts = Guideline.allCases.map { $0.verdict(merger: self, date: period.endDate) }
    }
}

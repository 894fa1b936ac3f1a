extension Guideline {
    /// The verdict on a market whose HHI lies between `hhi.lower` and `hhi.upper`.
    ///
    /// When the bounds straddle a threshold the finding names both sides, so an unreported
    /// part of the market never makes the verdict look more certain than the data allow.
    public func verdict(hhi: HHIBounds, marketShares: [Double]) -> Verdict {
        switch self {
        case .chinaAML:
            return chinaDominanceVerdict(marketShares: marketShares)
        default:
            let low = marketLevel(hhi.lower)
            let high = marketLevel(hhi.upper)
            if low.finding == high.finding { return low }
            return Verdict(guideline: self, severity: high.severity,
                           finding: "\(low.finding) to \(high.finding) (HHI bounds straddle a threshold)",
                           threshold: "\(low.threshold); \(high.threshold)")
        }
    }

    func marketLevel(_ hhi: Double) -> Verdict {
        switch self {
        case .us2023:
            return hhi > 1_800
                ? Verdict(guideline: self, severity: .concern, finding: "highly concentrated", threshold: "HHI > 1,800")
                : Verdict(guideline: self, severity: .clear, finding: "not highly concentrated", threshold: "HHI ≤ 1,800")
        case .us2010:
            if hhi < 1_500 {
                return Verdict(guideline: self, severity: .clear, finding: "unconcentrated", threshold: "HHI < 1,500")
            } else if hhi <= 2_500 {
                return Verdict(guideline: self, severity: .watch, finding: "moderately concentrated",
                               threshold: "1,500 ≤ HHI ≤ 2,500")
            }
            return Verdict(guideline: self, severity: .concern, finding: "highly concentrated", threshold: "HHI > 2,500")
        case .eu2004:
            if hhi < 1_000 {
                return Verdict(guideline: self, severity: .clear, finding: "low concentration (safe harbour for any merger)",
                               threshold: "HHI < 1,000")
            } else if hhi <= 2_000 {
                return Verdict(guideline: self, severity: .watch, finding: "moderate concentration (safe harbour if ΔHHI < 250)",
                               threshold: "1,000 ≤ HHI ≤ 2,000")
            }
            return Verdict(guideline: self, severity: .concern, finding: "high concentration (safe harbour if ΔHHI < 150)",
                           threshold: "HHI > 2,000")
        case .chinaAML:
            return chinaDominanceVerdict(marketShares: [])
        }
    }

    /// China AML art. 24: one ≥ 1/2, two ≥ 2/3, three ≥ 3/4; firms below 1/10 are not counted in the joint tests.
    func chinaDominanceVerdict(marketShares: [Double]) -> Verdict {
        let sorted = marketShares.sorted(by: >)
        let counted = sorted.filter { $0 >= 0.1 }
        if let first = sorted.first, first >= 0.5 {
            return Verdict(guideline: self, severity: .concern, finding: "dominance presumed: one firm holds ≥ 1/2",
                           threshold: "largest share ≥ 1/2")
        }
        if counted.count >= 2, counted[0] + counted[1] >= 2.0 / 3.0 {
            return Verdict(guideline: self, severity: .concern, finding: "joint dominance presumed: two firms hold ≥ 2/3",
                           threshold: "two largest ≥ 2/3, each ≥ 1/10")
        }
        if counted.count >= 3, counted[0] + counted[1] + counted[2] >= 0.75 {
            return Verdict(guideline: self, severity: .concern, finding: "joint dominance presumed: three firms hold ≥ 3/4",
                           threshold: "three largest ≥ 3/4, each ≥ 1/10")
        }
        return Verdict(guideline: self, severity: .clear, finding: "no dominance presumption",
                       threshold: "one < 1/2, two < 2/3, three < 3/4")
    }

    /// The verdict on a merger with the given post-merger HHI, ΔHHI and merged share (fraction).
    public func verdict(merger: MergerAnalysis) -> Verdict {
        let post = merger.hhiAfter
        let delta = merger.deltaHHI
        let share = merger.mergedShare
        switch self {
        case .us2023:
            if post > 1_800 && delta > 100 {
                return Verdict(guideline: self, severity: .concern, finding: "presumed to substantially lessen competition",
                               threshold: "post HHI > 1,800 and ΔHHI > 100")
            }
            if share > 0.30 && delta > 100 {
                return Verdict(guideline: self, severity: .concern, finding: "presumed to substantially lessen competition",
                               threshold: "merged share > 30% and ΔHHI > 100")
            }
            return Verdict(guideline: self, severity: .clear, finding: "no structural presumption",
                           threshold: "neither post HHI > 1,800 nor share > 30% with ΔHHI > 100")
        case .us2010:
            if delta < 100 {
                return Verdict(guideline: self, severity: .clear, finding: "unlikely to have adverse competitive effects",
                               threshold: "ΔHHI < 100")
            }
            if post < 1_500 {
                return Verdict(guideline: self, severity: .clear, finding: "unlikely to have adverse competitive effects",
                               threshold: "post HHI < 1,500")
            }
            if post <= 2_500 {
                return Verdict(guideline: self, severity: .watch, finding: "potentially raises significant competitive concerns",
                               threshold: "1,500 ≤ post HHI ≤ 2,500 and ΔHHI ≥ 100")
            }
            if delta > 200 {
                return Verdict(guideline: self, severity: .concern, finding: "presumed likely to enhance market power",
                               threshold: "post HHI > 2,500 and ΔHHI > 200")
            }
            return Verdict(guideline: self, severity: .watch, finding: "potentially raises significant competitive concerns",
                           threshold: "post HHI > 2,500 and 100 ≤ ΔHHI ≤ 200")
        case .eu2004:
            if share >= 0.5 {
                return Verdict(guideline: self, severity: .concern, finding: "share ≥ 50% may itself be evidence of dominance",
                               threshold: "merged share ≥ 50%")
            }
            if share <= 0.25 {
                return Verdict(guideline: self, severity: .clear, finding: "presumed compatible", threshold: "merged share ≤ 25%")
            }
            if post < 1_000 {
                return Verdict(guideline: self, severity: .clear, finding: "unlikely to raise concerns", threshold: "post HHI < 1,000")
            }
            if post <= 2_000 {
                return delta < 250
                    ? Verdict(guideline: self, severity: .clear, finding: "unlikely to raise concerns",
                              threshold: "1,000 ≤ post HHI ≤ 2,000 and ΔHHI < 250")
                    : Verdict(guideline: self, severity: .watch, finding: "outside the safe harbour: may raise concerns",
                              threshold: "1,000 ≤ post HHI ≤ 2,000 and ΔHHI ≥ 250")
            }
            return delta < 150
                ? Verdict(guideline: self, severity: .clear, finding: "unlikely to raise concerns",
                          threshold: "post HHI > 2,000 and ΔHHI < 150")
                : Verdict(guideline: self, severity: .watch, finding: "outside the safe harbour: may raise concerns",
                          threshold: "post HHI > 2,000 and ΔHHI ≥ 150")
        case .chinaAML:
            return chinaDominanceVerdict(marketShares: merger.marketSharesAfter)
        }
    }
}

extension Guideline {
    /// The verdict on a market whose HHI lies between `hhi.lower` and `hhi.upper`.
    ///
    /// When the bounds straddle a threshold the finding names both sides, so an unreported
    /// part of the market never makes the verdict look more certain than the data allow.
    /// - Parameters:
    ///   - undertakings: the reported groups and their sizes, for the China AML presumption.
    ///   - total: the market the sizes are part of.
    ///   - date: the period's end date (picks the AML article).
    public func verdict(hhi: HHIBounds, undertakings: [(name: String, size: Double)], total: Double,
                        date: CalendarDate) -> Verdict {
        switch self {
        case .chinaAML:
            return chinaDominanceVerdict(ChinaAMLPresumption(undertakings: undertakings, total: total, date: date))
        default:
            return Self.straddle(marketLevel(hhi.lower), marketLevel(hhi.upper))
        }
    }

    /// One verdict from the verdicts at the lower and the upper HHI bound: the lower one when they
    /// agree, else a range whose severity is the upper one's (never `clear` if the upper crosses).
    static func straddle(_ low: Verdict, _ high: Verdict) -> Verdict {
        // The same finding at both ends holds everywhere between them (the verdicts are monotone in HHI).
        if low.finding == high.finding { return low }
        return Verdict(guideline: low.guideline, severity: max(low.severity, high.severity),
                       finding: "\(low.finding) to \(high.finding) (HHI bounds straddle a threshold)",
                       threshold: "\(low.threshold); \(high.threshold)", straddles: true)
    }

    /// An HHI rounded to 6 decimals before it meets a threshold (see `mergerLevel`).
    static func snapHHI(_ hhi: Double) -> Double { (hhi * 1e6).rounded() / 1e6 }

    func marketLevel(_ unrounded: Double) -> Verdict {
        let hhi = Self.snapHHI(unrounded)
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
        case .chinaAML: // shares, not HHI: `verdict(hhi:undertakings:total:date:)` applies the presumption
            return chinaDominanceVerdict(ChinaAMLPresumption(undertakings: [], total: 0, date: ChinaAMLPresumption.amendmentInForce))
        }
    }

    /// The China AML presumption as a verdict: who is presumed dominant, under which clause and article.
    func chinaDominanceVerdict(_ p: ChinaAMLPresumption) -> Verdict {
        guard !p.clauses.isEmpty else {
            return Verdict(guideline: self, severity: .clear, finding: "no dominance presumption",
                           threshold: "one < 1/2, two < 2/3, three < 3/4 (\(p.article))", presumption: p)
        }
        let names = p.presumedDominant.joined(separator: ", ")
        var finding = p.presumedDominant.count == 1 ? "dominance presumed: \(names)" : "dominance presumed: \(names) (jointly)"
        if !p.countedNotPresumed.isEmpty {
            finding += "; \(p.countedNotPresumed.joined(separator: ", ")) counted but under 1/10, not presumed"
        }
        let thresholds = p.clauses.map { ["", "one ≥ 1/2", "two ≥ 2/3", "three ≥ 3/4"][$0] }.joined(separator: ", ")
        return Verdict(guideline: self, severity: .concern, finding: finding,
                       threshold: "\(thresholds) (\(p.article))", presumption: p)
    }

    /// The verdict on a merger, judged at the lower and the upper bound of the post-merger HHI.
    ///
    /// ΔHHI = 2·Σ Sa·Sb involves only the parties, which are reported, so it is exact; the
    /// post-merger HHI is a range when part of the market is unreported, and a finding that differs
    /// between the two ends says the bounds straddle the threshold (severity: the upper end's).
    public func verdict(merger: MergerAnalysis, date: CalendarDate) -> Verdict {
        if self == .chinaAML {
            return chinaDominanceVerdict(ChinaAMLPresumption(undertakings: merger.undertakingsAfter, total: 1, date: date))
        }
        return Self.straddle(mergerLevel(post: merger.boundsAfter.lower, merger: merger),
                             mergerLevel(post: merger.boundsAfter.upper, merger: merger))
    }

    /// The merger verdict at one post-merger HHI.
    func mergerLevel(post unrounded: Double, merger: MergerAnalysis) -> Verdict {
        // Shares summed from fractions carry rounding (0.2 + 0.1 = 0.30000000000000004): compare at
        // 12 significant places for shares and 6 decimals of HHI, so "exactly 30%" is exactly 30%.
        let post = Self.snapHHI(unrounded)
        let delta = Self.snapHHI(merger.deltaHHI)
        let share = (merger.mergedShare * 1e12).rounded() / 1e12
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
            // §5.3 speaks of "less than 100" and "more than 100" points: exactly 100 is neither, and
            // is shown as such rather than silently put on one side.
            if delta == 100 {
                return Verdict(guideline: self, severity: .watch,
                               finding: "ΔHHI exactly 100: between the text's 'less than 100' and 'more than 100'",
                               threshold: "ΔHHI = 100 and post HHI ≥ 1,500")
            }
            if post <= 2_500 {
                return Verdict(guideline: self, severity: .watch, finding: "potentially raises significant competitive concerns",
                               threshold: "1,500 ≤ post HHI ≤ 2,500 and ΔHHI > 100")
            }
            if delta > 200 {
                return Verdict(guideline: self, severity: .concern, finding: "presumed likely to enhance market power",
                               threshold: "post HHI > 2,500 and ΔHHI > 200")
            }
            return Verdict(guideline: self, severity: .watch, finding: "potentially raises significant competitive concerns",
                           threshold: "post HHI > 2,500 and 100 < ΔHHI ≤ 200")
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
        case .chinaAML: // shares, not HHI: `verdict(merger:date:)` applies the presumption
            return chinaDominanceVerdict(ChinaAMLPresumption(undertakings: merger.undertakingsAfter, total: 1,
                                                             date: ChinaAMLPresumption.amendmentInForce))
        }
    }
}

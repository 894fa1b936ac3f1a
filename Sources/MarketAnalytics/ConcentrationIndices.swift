import Foundation

/// Concentration and inequality indices over firm sizes or shares, as defined in the
/// project's domain notes. Every function is total: empty or all-zero input gives nil
/// where the index is undefined, never a trap or NaN.
///
/// Conventions (they differ between packages, so they are stated once here):
/// - HHI is on the 0–10,000 scale (shares in percent, squared).
/// - `gini` is the uncorrected Gini (R `ineq::Gini`); `giniCorrected` multiplies by N/(N−1)
///   (the small-sample correction of `ineq::Gini(corr = TRUE)`).
/// - Entropy uses the natural log; Theil is Theil T (= ln N − entropy), not Theil L.
public enum ConcentrationIndex {
    /// Shares (fractions summing to 1) of non-negative sizes; nil when the total is not positive.
    public static func shares(of sizes: [Double]) -> [Double]? {
        let total = sizes.reduce(0, +)
        guard total > 0 else { return nil }
        return sizes.map { $0 / total }
    }

    /// Σ (100·sᵢ)², on the 0–10,000 scale. Shares need not sum to 1 (market shares with an unreported rest).
    public static func hhi(shares: [Double]) -> Double {
        shares.reduce(0) { $0 + ($1 * 100) * ($1 * 100) }
    }

    /// (H − 1/N)/(1 − 1/N) with H = Σ sᵢ² on shares summing to 1; nil for N < 2.
    public static func normalizedHHI(shares: [Double]) -> Double? {
        let n = Double(shares.count)
        // No shares to speak of (an all-zero period): no concentration, not −1.
        guard shares.count > 1, shares.reduce(0, +) > 0 else { return nil }
        let h = shares.reduce(0) { $0 + $1 * $1 }
        return (h - 1 / n) / (1 - 1 / n)
    }

    /// Sum of the k largest shares (all of them when there are fewer than k).
    public static func concentrationRatio(_ k: Int, shares: [Double]) -> Double {
        shares.sorted(by: >).prefix(k).reduce(0, +)
    }

    /// 10,000 / HHI: the number of equal firms that would give this HHI.
    public static func equivalentFirms(hhi: Double) -> Double? {
        hhi > 0 ? 10_000 / hhi : nil
    }

    /// Uncorrected Gini, Σᵢ Σⱼ |xᵢ − xⱼ| / (2 N² μ), computed on sorted sizes in O(N log N).
    public static func gini(sizes: [Double]) -> Double? {
        let n = Double(sizes.count)
        let total = sizes.reduce(0, +)
        guard !sizes.isEmpty, total > 0 else { return nil }
        // Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − N − 1) x₍ᵢ₎ over ascending ranks i = 1…N.
        let ascending = sizes.sorted()
        var weighted = 0.0
        for (offset, x) in ascending.enumerated() {
            weighted += (2 * Double(offset + 1) - n - 1) * x
        }
        let mean = total / n
        return 2 * weighted / (2 * n * n * mean)
    }

    /// Gini × N/(N−1); nil for N < 2.
    public static func giniCorrected(sizes: [Double]) -> Double? {
        guard sizes.count > 1, let g = gini(sizes: sizes) else { return nil }
        let n = Double(sizes.count)
        return g * n / (n - 1)
    }

    /// Shannon entropy −Σ sᵢ ln sᵢ in nats, skipping zero shares.
    public static func entropy(shares: [Double]) -> Double {
        shares.reduce(0) { $1 > 0 ? $0 - $1 * log($1) : $0 }
    }

    /// Entropy / ln N, in 0…1; nil for N < 2.
    public static func relativeEntropy(shares: [Double]) -> Double? {
        guard shares.count > 1 else { return nil }
        return entropy(shares: shares) / log(Double(shares.count))
    }

    /// Theil T = ln N − entropy; nil for no firms.
    public static func theilT(shares: [Double]) -> Double? {
        guard !shares.isEmpty else { return nil }
        return log(Double(shares.count)) - entropy(shares: shares)
    }

    /// Hall–Tideman (Rosenbluth) index 1 / (2 Σ i·s₍ᵢ₎ − 1) with ranks descending from 1.
    public static func hallTideman(shares: [Double]) -> Double? {
        guard !shares.isEmpty else { return nil }
        let weighted = shares.sorted(by: >).enumerated().reduce(0.0) { $0 + Double($1.offset + 1) * $1.element }
        let denominator = 2 * weighted - 1
        return denominator > 0 ? 1 / denominator : nil
    }

    /// García-Alba dominance index Σ (sᵢ² / H)² with H = Σ sᵢ².
    public static func dominance(shares: [Double]) -> Double? {
        let h = shares.reduce(0) { $0 + $1 * $1 }
        guard h > 0 else { return nil }
        return shares.reduce(0) { $0 + ($1 * $1 / h) * ($1 * $1 / h) }
    }

    /// Linda index for the top K firms: L = Σ_{i<K} Qᵢ / (K(K−1)),
    /// Qᵢ = (Aᵢ/i) / ((A_K − Aᵢ)/(K − i)), Aᵢ the cumulative share of the i largest.
    /// Equal shares give 1/K. Nil for K < 2 or when a tail average is zero.
    public static func linda(shares: [Double], k: Int? = nil) -> Double? {
        let sorted = shares.sorted(by: >)
        let k = min(k ?? sorted.count, sorted.count)
        guard k >= 2 else { return nil }
        var cumulative = [Double](repeating: 0, count: k + 1)
        for i in 1...k { cumulative[i] = cumulative[i - 1] + sorted[i - 1] }
        var sum = 0.0
        for i in 1..<k {
            let tail = (cumulative[k] - cumulative[i]) / Double(k - i)
            guard tail > 0 else { return nil }
            sum += (cumulative[i] / Double(i)) / tail
        }
        return sum / Double(k * (k - 1))
    }
}

extension Dictionary where Key: Comparable, Value == Double {
    /// The values' sum, added in key order: a dictionary's own order changes from run to run, and
    /// with it the last digit of a sum of doubles; a figure must read the same every time.
    var sumInKeyOrder: Double { sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value } }
}

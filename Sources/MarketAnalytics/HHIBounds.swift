/// Honest bounds on the market HHI when only some firms are reported.
///
/// Known market shares s₍₁₎ ≥ … ≥ s₍ₖ₎ leave a residual R = 1 − Σ sᵢ held by
/// unreported firms, each assumed no larger than the smallest reported firm s₍ₖ₎.
/// - Lower bound: Σ sᵢ² (R spread over infinitely many tiny firms).
/// - Upper bound: Σ sᵢ² + q·s₍ₖ₎² + r², q = ⌊R / s₍ₖ₎⌋, r = R − q·s₍ₖ₎ (R packed into
///   firms as large as allowed; Kvålseth 2018, Heliyon 4:e00846).
/// Treating the residual as one firm (Σ sᵢ² + R²) is not a bound once R > s₍ₖ₎, so it is never offered.
public struct HHIBounds: Hashable, Sendable {
    /// On the 0–10,000 scale.
    public let lower: Double
    /// On the 0–10,000 scale; equal to `lower` when nothing is unreported.
    public let upper: Double
    /// The unreported fraction of the market, R.
    public let unreported: Double

    /// - Parameter marketShares: the reported firms' shares of the whole market (fractions, sum ≤ 1).
    public init(marketShares: [Double]) {
        let known = marketShares.filter { $0 > 0 }
        let sumSquares = known.reduce(0) { $0 + $1 * $1 }
        // Tolerate rounding: a residual within 1e-12 of zero is zero.
        var residual = 1 - known.reduce(0, +)
        if abs(residual) < 1e-12 { residual = 0 }
        residual = max(0, residual)
        var upper = sumSquares
        if residual > 0 {
            if let smallest = known.min() {
                let q = (residual / smallest).rounded(.down)
                let r = residual - q * smallest
                upper += q * smallest * smallest + r * r
            } else {
                upper = 1 // nothing reported: one unreported firm may hold the whole market
            }
        }
        self.lower = sumSquares * 10_000
        self.upper = upper * 10_000
        self.unreported = residual
    }
}

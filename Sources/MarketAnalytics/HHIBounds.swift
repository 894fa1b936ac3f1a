/// Honest bounds on the market HHI when only some firms are reported.
///
/// Known market shares s₍₁₎ ≥ … ≥ s₍ₖ₎ leave a residual R = 1 − Σ sᵢ held by unreported firms.
/// - Lower bound: Σ sᵢ² (R spread over infinitely many tiny firms). Needs no assumption.
/// - Upper bound under a cap c on any unreported firm's share: Σ sᵢ² + q·c² + r², q = ⌊R / c⌋,
///   r = R − q·c (R packed into firms as large as allowed; Kvålseth 2018, Heliyon 4:e00846).
///   By default c = s₍ₖ₎, the smallest reported share: an assumption the data rarely justify
///   (banks' own card books are unreported and often larger), so it is always named, and the data
///   may state a better cap (`largest_unreported_share` in `market.csv`).
/// - Upper bound with no assumption: Σ sᵢ² + R² (the remainder as one firm): the most the HHI can be.
public struct HHIBounds: Hashable, Sendable {
    /// What the upper bound assumes about the unreported firms.
    public enum Assumption: Hashable, Sendable {
        /// Nothing is unreported: the bounds coincide.
        case none
        /// No unreported firm is larger than the smallest reported one (this share).
        case smallestReported(Double)
        /// No unreported firm is larger than the share the data state.
        case stated(Double)
        /// No market total: the shares are of the reported groups, so nothing is unreported by
        /// construction (and no bound says anything about a market).
        case noMarketTotal

        /// The assumption in words, for every place the upper bound is shown.
        public var text: String {
            switch self {
            case .none:
                return "none: the whole market is reported"
            case .smallestReported(let share):
                return "no unreported lender is larger than the smallest reported group (\(Self.percent(share)))"
            case .stated(let share):
                return "no unreported lender is larger than \(Self.percent(share)) of the market (largest_unreported_share in market.csv)"
            case .noMarketTotal:
                return "no market total: shares are of the reported groups, not of a market"
            }
        }

        /// The assumption in a few words, for narrow places (the index panel).
        public var shortText: String {
            switch self {
            case .none: return "whole market reported"
            case .smallestReported(let share): return "no unreported lender > \(Self.percent(share))"
            case .stated(let share): return "no unreported lender > \(Self.percent(share)) (stated)"
            case .noMarketTotal: return "no market total"
            }
        }

        /// A share as a percentage with enough digits for small groups (0.07%), without Foundation.
        static func percent(_ fraction: Double) -> String {
            let hundredths = (fraction * 10_000).rounded()
            let whole = Int(hundredths / 100)
            let rest = Int(hundredths) - whole * 100
            return "\(whole).\(rest < 10 ? "0" : "")\(rest)%"
        }
    }

    /// On the 0–10,000 scale.
    public let lower: Double
    /// On the 0–10,000 scale, under `assumption`; equal to `lower` when nothing is unreported.
    public let upper: Double
    /// On the 0–10,000 scale: the unreported remainder as one firm, true whatever the unreported firms are.
    public let upperNoAssumption: Double
    /// The unreported fraction of the market, R.
    public let unreported: Double
    public let assumption: Assumption

    /// - Parameters:
    ///   - marketShares: the reported firms' shares of the whole market (fractions, sum ≤ 1).
    ///   - largestUnreported: the largest share an unreported firm may hold, when the data state it;
    ///     nil assumes the smallest reported share.
    public init(marketShares: [Double], largestUnreported: Double? = nil) {
        let smallest = marketShares.filter { $0 > 0 }.min()
        let assumption: Assumption = largestUnreported.map { $0 > 0 ? .stated($0) : .none }
            ?? smallest.map { .smallestReported($0) } ?? .stated(1)
        self.init(marketShares: marketShares, assumption: assumption)
    }

    /// Bounds under a given assumption: a merger keeps the market's (merging the two smallest
    /// groups does not make the unreported lenders any larger).
    public init(marketShares: [Double], assumption given: Assumption) {
        // Summed largest first, so the same shares in any order give the same bits.
        let known = marketShares.filter { $0 > 0 }.sorted(by: >)
        let sumSquares = known.reduce(0) { $0 + $1 * $1 }
        // Tolerate rounding: a residual within 1e-12 of zero is zero.
        var residual = 1 - known.reduce(0, +)
        if abs(residual) < 1e-12 { residual = 0 }
        residual = max(0, residual)
        var upper = sumSquares
        var assumption = residual > 0 ? given : (given == .noMarketTotal ? .noMarketTotal : .none)
        if residual > 0 {
            let cap: Double?
            switch given {
            case .stated(let share), .smallestReported(let share): cap = share > 0 ? share : nil
            case .none, .noMarketTotal: cap = known.min()
            }
            if given == .none || given == .noMarketTotal { assumption = cap.map { .smallestReported($0) } ?? .stated(1) }
            if let cap {
                let q = (residual / cap).rounded(.down)
                if q.isFinite && q < 1e15 {
                    let r = residual - q * cap
                    upper += q * cap * cap + r * r
                } else {
                    upper += residual * cap // q·c² + r² → R·c for a vanishing cap, never inf × 0
                }
            } else {
                upper = 1 // nothing reported: one unreported firm may hold the whole market
            }
        }
        self.lower = sumSquares * 10_000
        self.upper = upper * 10_000
        self.upperNoAssumption = (sumSquares + residual * residual) * 10_000
        self.unreported = residual
        self.assumption = assumption
    }
}

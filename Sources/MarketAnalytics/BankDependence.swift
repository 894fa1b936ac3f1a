/// How much one bank depends on the platforms it co-lends with, against the February 2021 caps.
/// Always on outstanding balances: the caps are defined on balances, whatever the measure shown.
public struct BankDependence: Sendable {
    public let bank: String
    public let profile: BankProfile?
    /// Σ over partner groups of the balance this bank funds.
    public let platformSourcedCNY: Double
    /// Funded balance per partner group.
    public let exposures: [String: Double]
    public let topPartner: String
    /// The top partner's share of this bank's platform-sourced balance (fraction).
    public let topPartnerShare: Double
    /// HHI (0–10,000) of the bank's partners' shares.
    public let partnerHHI: Double
    /// Largest single-partner balance / net tier-1 capital; nil without tier-1 capital.
    public let maxExposureToTier1: Double?
    /// All co-lending / total loans; nil without total loans.
    public let colendingToTotalLoans: Double?

    /// Funded balance per partner group, largest first (ties by name).
    public let exposuresLargestFirst: [(partner: String, balanceCNY: Double)]

    /// The single-partner cap: 25% of net tier-1 capital (CBIRC notice, final, Feb 2021).
    public static let singlePartnerCap = ColendingCap.singlePartner.limit
    /// The aggregate cap: 50% of total loans (CBIRC notice, final, Feb 2021).
    public static let aggregateCap = ColendingCap.aggregate.limit

    public init(bank: String, profile: BankProfile?, exposures: [String: Double]) {
        self.bank = bank
        self.profile = profile
        self.exposures = exposures
        // Summed in one fixed order: a dictionary's order changes from run to run, and with it
        // the last digit of a sum of doubles (a report must read the same every time).
        self.exposuresLargestFirst = exposures.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .map { (partner: $0.key, balanceCNY: $0.value) }
        let total = exposuresLargestFirst.reduce(0) { $0 + $1.balanceCNY }
        self.platformSourcedCNY = total
        // Ties broken by name so output is deterministic.
        let top = exposures.max { ($0.value, $1.key) < ($1.value, $0.key) }
        self.topPartner = top?.key ?? ""
        let largest = top?.value ?? 0
        self.topPartnerShare = total > 0 ? largest / total : 0
        self.partnerHHI = ConcentrationIndex.hhi(shares: ConcentrationIndex.shares(of: exposuresLargestFirst.map(\.balanceCNY)) ?? [])
        if let tier1 = profile?.tier1CapitalCNY, tier1 > 0 {
            self.maxExposureToTier1 = largest / tier1
        } else {
            self.maxExposureToTier1 = nil
        }
        if let loans = profile?.totalLoansCNY, loans > 0 {
            self.colendingToTotalLoans = total / loans
        } else {
            self.colendingToTotalLoans = nil
        }
    }

    /// The balance co-funded with `partner` over net tier-1 capital; nil without capital or without that partner.
    public func exposureToTier1(_ partner: String) -> Double? {
        guard let balance = exposures[partner], let tier1 = profile?.tier1CapitalCNY, tier1 > 0 else { return nil }
        return balance / tier1
    }

    /// Partners whose co-funded balance passes 25% of net tier-1 capital, largest first.
    public var partnersOverCap: [String] {
        guard let tier1 = profile?.tier1CapitalCNY, tier1 > 0 else { return [] }
        return exposuresLargestFirst.filter { ColendingCap.singlePartner.isBreached(amount: $0.balanceCNY, base: tier1) }
            .map(\.partner)
    }

    public var breachesSinglePartnerCap: Bool { !partnersOverCap.isEmpty }
    public var breachesAggregateCap: Bool {
        guard let loans = profile?.totalLoansCNY, loans > 0 else { return false }
        return ColendingCap.aggregate.isBreached(amount: platformSourcedCNY, base: loans)
    }
}

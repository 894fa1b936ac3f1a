/// One bank's funding by platform group in one period: amounts in the analysis' measure, cap
/// figures on outstanding balances (the caps are defined on them).
public struct BankFunding: Sendable {
    public struct Row: Sendable {
        public let group: String
        /// In the analysis' measure, in yuan.
        public let amountCNY: Double
        /// Of the bank's funding of every group in the same measure (fraction).
        public let shareOfBank: Double
        /// True when the bank is the group's own lending arm: no co-lending, no cap.
        public let isOwnLender: Bool
        /// Balance with this group over net tier-1 capital; nil for own lending or without capital.
        public let exposureToTier1: Double?
        /// True when the balance passes 25% of net tier-1 capital.
        public let overCap: Bool
    }

    public let bank: String
    public let profile: BankProfile?
    public let measure: Measure
    /// Largest first, ties by name.
    public let rows: [Row]
    /// The bank's funding of every group in the measure, own lending included.
    public let totalCNY: Double
    /// The co-lending dependence on balances; nil when the bank does not co-lend in the period.
    public let dependence: BankDependence?
    public let capInForce: Bool
    /// The 25% rule's state at the period's end (`RuleCalendar`).
    public var capState: RuleCalendar.State { ColendingCap.state(on: period.endDate) }
    public let period: Period
}

/// A (group, bank) pairing in one period: what the pairing history lists.
public struct PairingFigures: Sendable {
    public let period: Period
    /// In the series' measure, in yuan.
    public let amountCNY: Double
    /// Of the group's amount in the same measure; nil when the group has none.
    public let shareOfGroup: Double?
    /// Of the bank's funding of every group in the same measure; nil when the bank funds nothing.
    public let shareOfBank: Double?
    /// Balance over net tier-1 capital (always balances); nil for own lending or without capital.
    public let exposureToTier1: Double?
    public let overCap: Bool
    /// True when the 25% rule was in force at the period's end.
    public let capInForce: Bool
    /// The 25% rule's state at the period's end (`RuleCalendar`).
    public var capState: RuleCalendar.State { ColendingCap.state(on: period.endDate) }
}

extension PeriodAnalysis {
    /// The bank drill-down: funding by group in the measure, with the cap figures on balances.
    public func funding(of bank: String, dataset: MarketDataset) -> BankFunding {
        let amounts = fundingByBank[bank] ?? [:]
        let total = amounts.sumInKeyOrder
        let dependence = dependence(of: bank)
        let inForce = ColendingCap.isInForce(on: period.endDate)
        let overCap = Set(dependence?.partnersOverCap ?? [])
        // Groups funded under either basis: a balance with no new lending still carries a cap figure.
        let groups = Set(amounts.keys).union(dependence?.exposures.keys.map { $0 } ?? [])
        let rows = groups.map { group -> BankFunding.Row in
            let amount = amounts[group] ?? 0
            let own = dataset.isOwnLender(bank, of: group)
            return BankFunding.Row(group: group, amountCNY: amount, shareOfBank: total > 0 ? amount / total : 0,
                                   isOwnLender: own, exposureToTier1: own ? nil : dependence?.exposureToTier1(group),
                                   overCap: overCap.contains(group))
        }.sorted { ($0.amountCNY, $1.group) > ($1.amountCNY, $0.group) }
        return BankFunding(bank: bank, profile: dataset.banks[bank], measure: measure, rows: rows, totalCNY: total,
                           dependence: dependence, capInForce: inForce, period: period)
    }

    /// This period's figures for one pairing.
    public func pairing(group: String, bank: String) -> PairingFigures {
        let amounts = fundingByBank[bank] ?? [:]
        let amount = amounts[group] ?? 0
        let bankTotal = amounts.sumInKeyOrder
        let groupTotal = groups.first { $0.group == group }?.balanceCNY ?? 0
        let dependence = dependence(of: bank)
        return PairingFigures(period: period, amountCNY: amount,
                              shareOfGroup: groupTotal > 0 ? amount / groupTotal : nil,
                              shareOfBank: bankTotal > 0 ? amount / bankTotal : nil,
                              exposureToTier1: dependence?.exposureToTier1(group),
                              overCap: dependence?.partnersOverCap.contains(group) ?? false,
                              capInForce: ColendingCap.isInForce(on: period.endDate))
    }
}

extension AnalysisSeries {
    /// A pairing over every period of the series, oldest first.
    public func pairingHistory(group: String, bank: String) -> [PairingFigures] {
        analyses.map { $0.pairing(group: group, bank: bank) }
    }
}

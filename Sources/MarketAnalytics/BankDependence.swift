/// How much one bank depends on the platforms it co-lends with, against the February 2021 caps.
/// Always on outstanding balances: the caps are defined on balances, whatever the measure shown.
public struct BankDependence: Sendable {
    public let bank: String
    public let profile: BankProfile?
    /// The bank's capital and total loans as they stood in the period (each with its own period).
    public let figures: BankFigures?
    /// Σ over partner groups of the balance this bank funds.
    public let platformSourcedCNY: Double
    /// Funded balance per partner group.
    public let exposures: [String: Double]
    public let topPartner: String
    /// The top partner's share of this bank's platform-sourced balance (fraction).
    public let topPartnerShare: Double
    /// HHI (0–10,000) of the bank's partners' shares.
    public let partnerHHI: Double
    /// Largest single-partner exposure (related parties included) / net tier-1 capital; nil without capital.
    public let maxExposureToTier1: Double?
    /// All co-lending / total loans; nil without total loans.
    public let colendingToTotalLoans: Double?
    /// Funded balance per partner group, largest first (ties by name).
    public let exposuresLargestFirst: [(partner: String, balanceCNY: Double)]
    /// The 25% cap's exposure per partner: the partner's balance plus its related parties',
    /// largest first (ties by partner).
    public let capExposures: [CapExposure]
    /// Partner groups the bank itself is related to (`related_parties.csv`).
    public let relatedPartners: Set<String>
    /// Where each cap's ratio is heading, filled in by `AnalysisSeries` (it needs the history).
    public internal(set) var projections: [ColendingCap: CapProjection] = [:]

    /// The single-partner cap: 25% of net tier-1 capital (CBIRC notice, final, Feb 2021).
    public static let singlePartnerCap = ColendingCap.singlePartner.limit
    /// The aggregate cap: 50% of total loans (CBIRC notice, final, Feb 2021).
    public static let aggregateCap = ColendingCap.aggregate.limit

    /// One partner's exposure under the 25% cap: "与单一合作方（含其关联方）" — with a single partner,
    /// including its related parties.
    public struct CapExposure: Sendable, Hashable {
        public let partner: String
        /// The balance co-funded with the partner itself.
        public let directCNY: Double
        /// Related partner groups the bank also co-lends with, and their balances, by name.
        public let relatedCounted: [RelatedBalance]
        /// `directCNY` plus every related balance: what the cap compares.
        public let totalCNY: Double
        /// True when the bank itself is related to the partner.
        public let bankRelatedToPartner: Bool

        public struct RelatedBalance: Sendable, Hashable {
            public let group: String
            public let balanceCNY: Double
        }

        /// Every group counted, the partner first: two partners counting the same groups are one exposure.
        public var countedGroups: Set<String> { Set([partner] + relatedCounted.map(\.group)) }
    }

    /// - Parameters:
    ///   - figures: the bank's capital and total loans in the period; nil when the bank is not listed.
    ///   - relatedGroups: each partner group's related groups (one hop, symmetric); absent: none.
    ///   - relatedPartners: the partner groups the bank itself is related to.
    public init(bank: String, profile: BankProfile?, figures: BankFigures?, exposures: [String: Double],
                relatedGroups: [String: [String]] = [:], relatedPartners: Set<String> = []) {
        self.bank = bank
        self.profile = profile
        self.figures = figures
        self.exposures = exposures
        self.relatedPartners = relatedPartners
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
        let capExposures = exposuresLargestFirst.map { entry -> CapExposure in
            let related = (relatedGroups[entry.partner] ?? []).sorted().compactMap { group -> CapExposure.RelatedBalance? in
                guard group != entry.partner, let balance = exposures[group], balance > 0 else { return nil }
                return CapExposure.RelatedBalance(group: group, balanceCNY: balance)
            }
            return CapExposure(partner: entry.partner, directCNY: entry.balanceCNY, relatedCounted: related,
                               totalCNY: related.reduce(entry.balanceCNY) { $0 + $1.balanceCNY },
                               bankRelatedToPartner: relatedPartners.contains(entry.partner))
        }.sorted { ($0.totalCNY, $1.partner) > ($1.totalCNY, $0.partner) }
        self.capExposures = capExposures
        if let tier1 = figures?.tier1CapitalCNY, tier1 > 0 {
            self.maxExposureToTier1 = ColendingCap.ratio(capExposures.first?.totalCNY ?? 0, tier1)
        } else {
            self.maxExposureToTier1 = nil
        }
        if let loans = figures?.totalLoansCNY, loans > 0 {
            self.colendingToTotalLoans = ColendingCap.ratio(total, loans)
        } else {
            self.colendingToTotalLoans = nil
        }
    }

    /// The exposure under the 25% cap to `partner` (related parties included) over net tier-1
    /// capital; nil without capital or without that partner.
    public func exposureToTier1(_ partner: String) -> Double? {
        guard let exposure = capExposure(partner), let tier1 = figures?.tier1CapitalCNY, tier1 > 0 else { return nil }
        return ColendingCap.ratio(exposure.totalCNY, tier1)
    }

    public func capExposure(_ partner: String) -> CapExposure? {
        capExposures.first { $0.partner == partner }
    }

    /// One exposure per set of groups counted: two partners related to each other count the same
    /// balances, so they are one exposure, named after the first of them by name (a name that stays
    /// from one period to the next whichever balance is larger). Largest first.
    public var distinctCapExposures: [CapExposure] { Self.distinct(capExposures) }

    /// Made once per bank and period when there are related parties; the identity otherwise.
    static func distinct(_ exposures: [CapExposure]) -> [CapExposure] {
        guard exposures.contains(where: { !$0.relatedCounted.isEmpty }) else { return exposures }
        var byGroups: [Set<String>: CapExposure] = [:]
        for exposure in exposures {
            if let kept = byGroups[exposure.countedGroups], kept.partner < exposure.partner { continue }
            byGroups[exposure.countedGroups] = exposure
        }
        return exposures.filter { byGroups[$0.countedGroups]?.partner == $0.partner }
    }

    /// Partners whose exposure (related parties included) passes 25% of net tier-1 capital, largest
    /// first, one per set of groups counted (`distinctCapExposures`).
    public var partnersOverCap: [String] {
        guard let tier1 = figures?.tier1CapitalCNY, tier1 > 0 else { return [] }
        return distinctCapExposures.filter { ColendingCap.singlePartner.isBreached(amount: $0.totalCNY, base: tier1) }
            .map(\.partner)
    }

    public var breachesSinglePartnerCap: Bool { !partnersOverCap.isEmpty }
    public var breachesAggregateCap: Bool {
        guard let loans = figures?.totalLoansCNY, loans > 0 else { return false }
        return ColendingCap.aggregate.isBreached(amount: platformSourcedCNY, base: loans)
    }

    /// True when either cap is breached: the one count of "banks over a cap" every view uses.
    public var breachesAnyCap: Bool { breachesSinglePartnerCap || breachesAggregateCap }

    /// The amount a cap compares with its base: the largest exposure (related parties included)
    /// for the 25% cap, all co-lending for the 50% cap.
    private func capAmount(_ cap: ColendingCap) -> Double {
        cap == .singlePartner ? capExposures.first?.totalCNY ?? 0 : platformSourcedCNY
    }

    /// True when the cap is passed in this period: the one comparison (in whole fen) that every
    /// view, export and alert uses.
    public func isOver(_ cap: ColendingCap) -> Bool {
        guard let base = base(cap)?.valueCNY, base > 0 else { return false }
        return cap.isBreached(amount: capAmount(cap), base: base)
    }

    /// True when the cap is within reach: at or above `warnAt` of it, not passed (`--warn-at`).
    public func isWarning(_ cap: ColendingCap, warnAt: Double) -> Bool {
        guard let base = base(cap)?.valueCNY, base > 0 else { return false }
        return cap.isWarning(amount: capAmount(cap), base: base, warnAt: warnAt)
    }

    /// The cap's ratio in this period (the largest partner's for the 25% cap); nil when its base is unknown.
    public func ratio(_ cap: ColendingCap) -> Double? {
        switch cap {
        case .singlePartner: return maxExposureToTier1
        case .aggregate: return colendingToTotalLoans
        }
    }

    /// Why the cap's ratio is unknown in this period ("no capital figure for 2019Q3"); nil when known.
    public func ratioUnavailable(_ cap: ColendingCap) -> String? {
        guard ratio(cap) == nil else { return nil }
        guard let figures else { return "\(bank) is not listed in banks.csv" }
        switch cap {
        case .singlePartner: return figures.capitalMissing ?? "net tier-1 capital is not positive"
        case .aggregate: return figures.totalLoansMissing ?? "total loans are not positive"
        }
    }

    /// The base figure the cap divides by, with its period and staleness.
    public func base(_ cap: ColendingCap) -> BankFigures.Figure? {
        switch cap {
        case .singlePartner: return figures?.capital
        case .aggregate: return figures?.totalLoans
        }
    }
}

/// Where a cap's ratio is heading: the average step of the last four periods carried forward.
/// A projection, never a finding: it assumes the average step goes on unchanged.
public struct CapProjection: Sendable, Hashable {
    /// The average change of the ratio per period over the last four periods (three steps).
    public let averageStep: Double
    /// The first period at which the ratio, rising by `averageStep` a period, would pass the cap;
    /// nil when flat or falling, already over the cap, or past year 9999.
    public let breachPeriod: Period?

    /// What every output says beside a projected period: it is a projection, not a finding.
    public static let note = "projection: the average step of the last four periods carried forward; not a finding"

    /// How many periods of history the projection needs.
    public static let window = 4

    /// - Parameters:
    ///   - ratios: the cap's ratio in `window` consecutive periods, oldest first, the last being `period`'s.
    ///   - limit: the cap (0.25 or 0.50); "not exceed" allows the cap itself, so the breach is the
    ///     first period strictly above it.
    /// - Returns: nil unless there are exactly `window` ratios.
    public init?(ratios: [Double], period: Period, limit: Double) {
        guard ratios.count == Self.window, let last = ratios.last, let first = ratios.first else { return nil }
        let step = (last - first) / Double(Self.window - 1)
        self.averageStep = step
        guard step > 0, last <= limit else {
            self.breachPeriod = nil
            return
        }
        // The smallest k ≥ 1 with last + k·step > limit. A quotient within a hair of a whole number
        // n means the ratio reaches the cap exactly after n steps: at the cap is within it, so n + 1.
        let quotient = (limit - last) / step
        let whole = quotient.rounded()
        let k = abs(quotient - whole) < 1e-9 ? whole + 1 : quotient.rounded(.down) + 1
        let periods = k < 1_000_000 ? Int(k) : nil
        self.breachPeriod = periods.flatMap { period.advanced(by: $0) }
    }
}

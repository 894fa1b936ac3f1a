/// One row of `balances.csv`: the outstanding balance a platform facilitated and a bank funded.
public struct BalanceRecord: Hashable, Sendable {
    public var period: Period
    public var platform: String
    public var bank: String
    public var balanceCNY: Double
    /// The flag of this row's amount: for a bank's part of a group total, the split's.
    public var provenance: Provenance
    /// The flag of the group total this row is a part of, when it differs from the split's
    /// (`total_flag`: a sourced total split across banks by estimate); nil when not given.
    public var totalProvenance: Provenance?
    public var source: String

    public init(period: Period, platform: String, bank: String, balanceCNY: Double,
                provenance: Provenance = .sourced, totalProvenance: Provenance? = nil, source: String = "") {
        self.period = period
        self.platform = platform
        self.bank = bank
        self.balanceCNY = balanceCNY
        self.provenance = provenance
        self.totalProvenance = totalProvenance
        self.source = source
    }
}

/// One row of `market.csv`: the denominator of market shares under one definition and measure.
public struct MarketTotal: Hashable, Sendable {
    public var period: Period
    public var definition: String
    /// What the total counts: outstanding balances (the default) or new lending in the period.
    public var measure: Measure
    public var totalCNY: Double
    /// The largest share (fraction) any single unreported lender may hold, when the data state it;
    /// the HHI upper bound then assumes no unreported lender is larger.
    public var largestUnreportedShare: Double?
    public var provenance: Provenance
    public var source: String

    public init(period: Period, definition: String, measure: Measure = .balances, totalCNY: Double,
                largestUnreportedShare: Double? = nil, provenance: Provenance = .sourced, source: String = "") {
        self.period = period
        self.definition = definition
        self.measure = measure
        self.totalCNY = totalCNY
        self.largestUnreportedShare = largestUnreportedShare
        self.provenance = provenance
        self.source = source
    }
}

/// One row of `fx.csv`: yuan per US dollar on a date.
public struct ExchangeRate: Hashable, Sendable {
    public var date: CalendarDate
    public var usdCNY: Double
    public var basis: String
    public var provenance: Provenance
    public var source: String

    public init(date: CalendarDate, usdCNY: Double, basis: String = "",
                provenance: Provenance = .sourced, source: String = "") {
        self.date = date
        self.usdCNY = usdCNY
        self.basis = basis
        self.provenance = provenance
        self.source = source
    }
}

/// One row of `banks.csv`: what the dependence caps need to know about a bank.
public struct BankProfile: Hashable, Sendable {
    public var bank: String
    public var type: String
    public var region: String
    /// The bank's capital and loan figures, each from its period on (see `figures(at:)`).
    public var figureRows: [BankFigureRow]
    /// Online-only banks (WeBank, MYbank, XW Bank…) are exempt from the regional rule.
    public var onlineOnly: Bool
    /// The platform group this lender belongs to (its own lending arm), if any. Its funding of
    /// that group is own funding, not co-lending, so it counts towards neither cap.
    public var ownerGroup: String?
    public var provenance: Provenance
    public var source: String

    /// A bank with one undated figure row (the figures serve every period).
    public init(bank: String, type: String, region: String = "", tier1CapitalCNY: Double?,
                totalLoansCNY: Double?, onlineOnly: Bool = false, ownerGroup: String? = nil,
                provenance: Provenance = .sourced, source: String = "") {
        self.init(bank: bank, type: type, region: region,
                  figureRows: [BankFigureRow(period: nil, tier1CapitalCNY: tier1CapitalCNY, totalLoansCNY: totalLoansCNY,
                                             provenance: provenance, source: source)],
                  onlineOnly: onlineOnly, ownerGroup: ownerGroup, provenance: provenance, source: source)
    }

    public init(bank: String, type: String, region: String = "", figureRows: [BankFigureRow], onlineOnly: Bool = false,
                ownerGroup: String? = nil, provenance: Provenance = .sourced, source: String = "") {
        self.bank = bank
        self.type = type
        self.region = region
        self.figureRows = figureRows
        self.onlineOnly = onlineOnly
        self.ownerGroup = ownerGroup
        self.provenance = provenance
        self.source = source
    }
}

/// One bank's net tier-1 capital and total loans as one row of `banks.csv` gives them: from
/// `period` on until the bank's next dated row, or, undated, for the periods before its first
/// dated row.
public struct BankFigureRow: Hashable, Sendable {
    /// nil: an undated row.
    public var period: Period?
    /// Net tier-1 capital: the base of the 25% single-partner cap; nil when the cell is empty.
    public var tier1CapitalCNY: Double?
    /// Total loans: the base of the 50% aggregate co-lending cap; nil when the cell is empty.
    public var totalLoansCNY: Double?
    public var provenance: Provenance
    public var source: String

    public init(period: Period?, tier1CapitalCNY: Double?, totalLoansCNY: Double?, provenance: Provenance = .sourced,
                source: String = "") {
        self.period = period
        self.tier1CapitalCNY = tier1CapitalCNY
        self.totalLoansCNY = totalLoansCNY
        self.provenance = provenance
        self.source = source
    }
}

/// A bank's cap bases as they stood in one period: which row each came from, and whether it is stale.
public struct BankFigures: Hashable, Sendable {
    /// A figure and the period of the row it came from (nil: an undated row).
    public struct Figure: Hashable, Sendable {
        public let valueCNY: Double
        public let period: Period?
        /// True when `period` is more than `BankFigures.staleAfter` periods before the period analysed.
        public let isStale: Bool
        public let provenance: Provenance
    }

    /// A figure more than this many periods old is stale: a quarterly filing missed for a year.
    public static let staleAfter = 4

    public let period: Period
    public let capital: Figure?
    public let totalLoans: Figure?

    public var tier1CapitalCNY: Double? { capital?.valueCNY }
    public var totalLoansCNY: Double? { totalLoans?.valueCNY }

    /// Why the 25% cap cannot be measured in this period; nil when it can.
    public var capitalMissing: String? { capital == nil ? "no capital figure for \(period)" : nil }
    /// Why the 50% cap cannot be measured in this period; nil when it can.
    public var totalLoansMissing: String? { totalLoans == nil ? "no total loans figure for \(period)" : nil }
}

extension BankProfile {
    /// The bank's figures in `period`, each figure on its own: the latest dated row at or before
    /// the period that gives it; else, when the period is before every dated row giving it, the
    /// undated row. Never a figure from a later period.
    public func figures(at period: Period) -> BankFigures {
        func resolve(_ value: (BankFigureRow) -> Double?) -> BankFigures.Figure? {
            let dated = figureRows.filter { $0.period != nil && value($0) != nil }
            if let row = dated.filter({ $0.period! <= period }).max(by: { $0.period! < $1.period! }) {
                let age = period.distance(from: row.period!)
                return BankFigures.Figure(valueCNY: value(row)!, period: row.period,
                                          isStale: age > BankFigures.staleAfter, provenance: row.provenance)
            }
            // Undated: only before the first dated row that gives this figure.
            if let first = dated.map({ $0.period! }).min(), period >= first { return nil }
            guard let row = figureRows.first(where: { $0.period == nil && value($0) != nil }) else { return nil }
            return BankFigures.Figure(valueCNY: value(row)!, period: nil, isStale: false, provenance: row.provenance)
        }
        return BankFigures(period: period, capital: resolve(\.tier1CapitalCNY), totalLoans: resolve(\.totalLoansCNY))
    }
}

/// One row of `related_parties.csv`: two parties the regulator finds related (control,
/// significant influence, common control). Symmetric; LendScope follows one hop only.
public struct RelatedPartyLink: Hashable, Sendable {
    public var party: String
    public var relatedParty: String
    public var relation: String
    public var provenance: Provenance
    public var source: String

    public init(party: String, relatedParty: String, relation: String = "", provenance: Provenance = .sourced,
                source: String = "") {
        self.party = party
        self.relatedParty = relatedParty
        self.relation = relation
        self.provenance = provenance
        self.source = source
    }
}

/// Everything a data directory says, validated. Analyses are computed from it on demand.
public struct MarketDataset: Sendable {
    public var balances: [BalanceRecord]
    /// Market totals in file order; the first definition seen is the default.
    public var marketTotals: [MarketTotal]
    public var exchangeRates: [ExchangeRate]
    /// Platform (product) → economic group. A platform missing here is its own group.
    public var groupOfPlatform: [String: String]
    public var banks: [String: BankProfile]
    /// Loan-level figures from `loans/*.csv`, when the directory has them.
    public var loans: LoanFigures?
    /// Who is related to whom (`related_parties.csv`), for the 25% cap "including related parties".
    public var relatedParties: [RelatedPartyLink]

    public init(balances: [BalanceRecord], marketTotals: [MarketTotal] = [],
                exchangeRates: [ExchangeRate] = [], groupOfPlatform: [String: String] = [:],
                banks: [BankProfile] = [], loans: LoanFigures? = nil, relatedParties: [RelatedPartyLink] = []) {
        self.relatedParties = relatedParties
        self.balances = balances
        self.marketTotals = marketTotals
        self.exchangeRates = exchangeRates.sorted { $0.date < $1.date }
        self.groupOfPlatform = groupOfPlatform
        self.banks = Dictionary(banks.map { ($0.bank, $0) }, uniquingKeysWith: { first, _ in first })
        self.loans = loans
    }

    /// The amounts a measure counts: outstanding balances, or loans originated.
    public func records(for measure: Measure) -> [BalanceRecord] {
        measure == .balances ? balances : loans?.originations ?? []
    }

    /// Every period with balances, oldest first.
    public var periods: [Period] {
        Array(Set(balances.map(\.period))).sorted()
    }

    /// Market definitions of outstanding balances in file order; the first is the default.
    public var marketDefinitions: [String] { marketDefinitions(for: .balances) }

    /// Market definitions with totals for `measure`, in file order; the first is the default.
    public func marketDefinitions(for measure: Measure) -> [String] {
        var seen = Set<String>()
        return marketTotals.compactMap {
            $0.measure == measure && seen.insert($0.definition).inserted ? $0.definition : nil
        }
    }

    public func group(of platform: String) -> String {
        groupOfPlatform[platform] ?? platform
    }

    /// True when `bank` is `group`'s own lending arm.
    public func isOwnLender(_ bank: String, of group: String) -> Bool {
        banks[bank]?.ownerGroup == group
    }

    public func marketTotal(for period: Period, definition: String, measure: Measure = .balances) -> MarketTotal? {
        marketTotals.first { $0.period == period && $0.definition == definition && $0.measure == measure }
    }

    /// The latest rate dated on or before `date`; nil when every rate is later.
    public func exchangeRate(onOrBefore date: CalendarDate) -> ExchangeRate? {
        exchangeRates.last { $0.date <= date }
    }

    public func period(before period: Period) -> Period? {
        periods.last { $0 < period }
    }
}

/// A platform group's figures in one period.
public struct GroupFigures: Hashable, Sendable {
    public let group: String
    public let balanceCNY: Double
    /// nil without an exchange rate.
    public let balanceUSD: Double?
    /// Share of the chosen market total (fraction).
    public let shareOfMarket: Double
    /// Share of all reported platform groups (fraction).
    public let shareOfPlatforms: Double
    /// Change of `shareOfMarket` vs the previous period, in percentage points; nil in the first period.
    public let changePP: Double?
    /// The weakest provenance of the group's rows: of its split across banks when the rows give
    /// their total's flag apart.
    public let provenance: Provenance
    /// The weakest flag of the group's total, when every row gives it (`total_flag`); nil
    /// otherwise, and then `provenance` is the total's too.
    public let totalProvenance: Provenance?
    /// The note most of the group's rows cite (`source`), for the status line.
    public let source: String
    /// The group's products (platforms) with their balances, largest first.
    public let platforms: [(name: String, balanceCNY: Double)]
    /// HHI (0–10,000) of the banks funding this group, its own lending arms included.
    public let funderHHI: Double
    /// The fraction of the balance funded by the group's own lending arms.
    public let ownFundedShare: Double
    /// Funded balance per bank, largest first.
    public let funders: [(bank: String, balanceCNY: Double)]

    public static func == (lhs: GroupFigures, rhs: GroupFigures) -> Bool {
        lhs.group == rhs.group && lhs.balanceCNY == rhs.balanceCNY && lhs.shareOfMarket == rhs.shareOfMarket
            && lhs.changePP == rhs.changePP && lhs.provenance == rhs.provenance
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(group)
        hasher.combine(balanceCNY)
    }
}

/// Every concentration index of one period, with the scale stated in each name's doc.
public struct ConcentrationFigures: Hashable, Sendable {
    /// Market HHI, lower bound (0–10,000).
    public let hhi: Double
    /// Market HHI, upper bound (0–10,000), under `hhiUpperAssumption`.
    public let hhiUpper: Double
    /// What `hhiUpper` assumes about the unreported lenders, in words.
    public let hhiUpperAssumption: String
    /// Market HHI, upper bound with no assumption: the unreported remainder as one firm (0–10,000).
    public let hhiUpperNoAssumption: Double
    /// HHI of shares within reported platforms (0–10,000).
    public let hhiPlatforms: Double
    public let hhiNormalized: Double?
    public let cr1: Double
    public let cr3: Double
    public let cr4: Double
    public let cr5: Double
    public let cr8: Double
    public let equivalentFirms: Double?
    public let gini: Double?
    public let giniCorrected: Double?
    public let entropy: Double
    public let entropyRelative: Double?
    public let theilT: Double?
    public let hallTideman: Double?
    public let dominance: Double?
    public let linda: Double?
}

/// What a set of analyses was computed for: the market definition and the measure. A view never
/// shows analyses made for another key than the one it says.
public struct AnalysisKey: Hashable, Sendable, CustomStringConvertible {
    /// nil: the dataset's default definition for the measure.
    public var definition: String?
    public var measure: Measure
    /// `--warn-at`: an exposure at or above this fraction of a cap, within it, is an early warning;
    /// 0 turns warnings off. Off unless asked: the command line asks for `ColendingCap.defaultWarnAt`.
    public var warnAt: Double

    public init(definition: String? = nil, measure: Measure = .balances, warnAt: Double = 0) {
        self.definition = definition
        self.measure = measure
        self.warnAt = warnAt
    }

    public var description: String { "\(measure.rawValue), \(definition ?? "default market")" }
}

/// Everything LendScope shows about one period under one market definition and FX choice.
public struct PeriodAnalysis: Sendable {
    public let period: Period
    public let measure: Measure
    /// Borrowers with loans from several groups; nil without loan files or past the exact limit.
    public private(set) var stacking: StackingFigures?
    /// Why `stacking` is nil although loan files exist (too many borrower-periods or platforms).
    public private(set) var stackingUnavailable: String?
    /// Over-indebtedness at the period's end; nil without loan files (or see `indebtednessUnavailable`).
    public private(set) var indebtedness: IndebtednessFigures?
    public private(set) var indebtednessUnavailable: String?
    /// Every period end's over-indebtedness, oldest first: the trend the dashboard draws.
    public var indebtednessHistory: [(period: Period, figures: IndebtednessFigures)] {
        indebtednessByPeriod.sorted { $0.key < $1.key }.map { (period: $0.key, figures: $0.value) }
    }
    /// The loan files' figures of every period end: one dictionary shared (copy on write) by
    /// every period's analysis, not a copy each.
    private var indebtednessByPeriod: [Period: IndebtednessFigures] = [:]
    /// Per group with new lending in the period: pricing above the APR thresholds and co-funding.
    public private(set) var lendingTerms: [GroupLendingTerms] = []
    public private(set) var aprThresholds: [APRThreshold] = []
    /// Why `lendingTerms` is empty although loans exist (a sum past 64 bits).
    public private(set) var lendingTermsUnavailable: String?
    /// True when the loan files carry `platform_funded_cny`: the 30% floor is checked.
    public private(set) var checksCofundingFloor = false
    /// Per group: the share of the amount originated in the period that is overdue, defaulted or
    /// written off (new-lending measure only).
    public let badShare: [String: Double]
    /// The market definition asked for; nil when the directory has no market totals for the measure.
    public let marketDefinition: String?
    /// The denominator row; nil when no total exists and shares are of the reported groups.
    public let marketTotal: MarketTotal?
    public let exchangeRate: ExchangeRate?
    /// Largest first; ties by name.
    public let groups: [GroupFigures]
    /// The market total minus the reported groups; zero without a market total.
    public let othersCNY: Double
    public let othersShare: Double
    public let bounds: HHIBounds
    public let indices: ConcentrationFigures
    /// Each guideline's verdict on the market; nil when there is no market to judge: new lending
    /// without a market total for new lending (shares of a sample of groups are not market shares).
    public let verdicts: [Verdict]?
    /// Why `verdicts` is nil.
    public let verdictsUnavailable: String?
    /// Banks that co-lend with any platform group (own lending arms excluded), largest single-partner
    /// exposure / tier-1 first. On outstanding balances whatever the measure: the caps are defined on them.
    public private(set) var banks: [BankDependence]
    /// Amount in the analysis' measure per bank and group, own lending arms included.
    public let fundingByBank: [String: [String: Double]]
    /// Where each bank × group pairing's figure comes from, by bank then group: made here with the
    /// other figures, so a screen's status line never scans the balances.
    public let pairingSources: [String: [String: RowsProvenance]]
    /// Every rule triggered in the period (see `computeAlerts`); runs are filled in by `AnalysisSeries`.
    public internal(set) var alerts: [Alert] = []

    /// True when no market total exists and the denominator is the sum of the groups.
    public var denominatorIsSumOfGroups: Bool { marketTotal == nil }

    public var denominatorCNY: Double {
        marketTotal?.totalCNY ?? groups.reduce(0) { $0 + $1.balanceCNY }
    }

    public var key: AnalysisKey { AnalysisKey(definition: marketDefinition, measure: measure, warnAt: warnAt) }
    /// The early-warning level the alerts were computed with (`AnalysisKey.warnAt`).
    public let warnAt: Double
    /// The alerts compared with the previous calendar period's; nil for the first period or after a
    /// gap (set by `AnalysisSeries`).
    public internal(set) var changes: AlertChanges?

    /// - Parameters:
    ///   - definition: a market definition; nil picks the dataset's default for the measure (the
    ///     first in `market.csv`).
    ///   - fxDate: converts at the rate on or before this date instead of the period end.
    ///   - measure: outstanding balances, or new lending from loan files (shares of the reported
    ///     groups unless `market.csv` has a new-lending total).
    public init(dataset: MarketDataset, period: Period, definition: String? = nil, fxDate: CalendarDate? = nil,
                measure: Measure = .balances, warnAt: Double = 0) {
        self.init(dataset: dataset, period: period, definition: definition, fxDate: fxDate, measure: measure,
                  warnAt: warnAt, withChange: true)
    }

    /// This analysis with the loan files of `dataset` instead of the ones it was made from, for a
    /// reload in which only loan files changed: under the balances measure the loans add only
    /// stacking, so the rest need not be computed again. Nil under the originations measure,
    /// where everything depends on the loans.
    public func withLoans(of dataset: MarketDataset) -> PeriodAnalysis? {
        guard measure == .balances else { return nil }
        var copy = self
        copy.stacking = dataset.loans?.stacking[period]
        copy.stackingUnavailable = dataset.loans?.stackingUnavailable
        copy.attachLoanDetails(dataset)
        copy.alerts = copy.computeAlerts()
        return copy
    }

    private init(dataset: MarketDataset, period: Period, definition: String?, fxDate: CalendarDate?, measure: Measure,
                 warnAt: Double, withChange: Bool) {
        self.period = period
        self.measure = measure
        self.warnAt = warnAt
        self.stacking = dataset.loans?.stacking[period]
        self.stackingUnavailable = dataset.loans?.stackingUnavailable
        let known = dataset.marketDefinitions(for: measure)
        let definition = definition.flatMap { known.contains($0) ? $0 : nil } ?? known.first
        self.marketDefinition = definition
        self.marketTotal = definition.flatMap { dataset.marketTotal(for: period, definition: $0, measure: measure) }
        let rate = dataset.exchangeRate(onOrBefore: fxDate ?? period.endDate)
        self.exchangeRate = rate

        let rows = dataset.records(for: measure).filter { $0.period == period }
        var byGroup: [String: [BalanceRecord]] = [:]
        for row in rows { byGroup[dataset.group(of: row.platform), default: []].append(row) }
        let groupTotals = byGroup.mapValues { $0.reduce(0) { $0 + $1.balanceCNY } }
        let platformTotal = groupTotals.sumInKeyOrder
        let denominator = marketTotal?.totalCNY ?? platformTotal

        // Change against the calendar period just before, and only when the data have it: a gap in
        // the data is not "the previous period".
        let previous: [String: Double]? = withChange
            ? dataset.period(before: period).flatMap { $0 == period.previous ? $0 : nil }.map { prior in
                let analysis = PeriodAnalysis(dataset: dataset, period: prior, definition: definition,
                                              fxDate: nil, measure: measure, warnAt: warnAt, withChange: false)
                return Dictionary(uniqueKeysWithValues: analysis.groups.map { ($0.group, $0.shareOfMarket) })
            }
            : nil
        var groups: [GroupFigures] = []
        for (group, groupRows) in byGroup {
            let balance = groupTotals[group] ?? 0
            let share = denominator > 0 ? balance / denominator : 0
            var products: [String: Double] = [:]
            var funders: [String: Double] = [:]
            var own = 0.0
            let origin = RowsProvenance(rows: groupRows)
            for row in groupRows {
                products[row.platform, default: 0] += row.balanceCNY
                funders[row.bank, default: 0] += row.balanceCNY
                if dataset.isOwnLender(row.bank, of: group) { own += row.balanceCNY }
            }
            groups.append(GroupFigures(
                group: group,
                balanceCNY: balance,
                balanceUSD: rate.map { balance / $0.usdCNY },
                shareOfMarket: share,
                shareOfPlatforms: platformTotal > 0 ? balance / platformTotal : 0,
                changePP: previous.map { (share - ($0[group] ?? 0)) * 100 },
                provenance: origin.flag,
                totalProvenance: origin.totalFlag,
                source: origin.source,
                platforms: products.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) },
                funderHHI: ConcentrationIndex.hhi(shares: ConcentrationIndex.shares(of: funders.sorted { $0.key < $1.key }.map(\.value)) ?? []),
                ownFundedShare: balance > 0 ? own / balance : 0,
                funders: funders.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
            ))
        }
        groups.sort { ($0.balanceCNY, $1.group) > ($1.balanceCNY, $0.group) }
        self.groups = groups

        let reportedShare = groups.reduce(0) { $0 + $1.shareOfMarket }
        self.othersCNY = marketTotal.map { max(0, $0.totalCNY - platformTotal) } ?? 0
        self.othersShare = marketTotal == nil ? 0 : max(0, 1 - reportedShare)

        let marketShares = groups.map(\.shareOfMarket)
        let platformShares = groups.map(\.shareOfPlatforms)
        let sizes = groups.map(\.balanceCNY)
        let bounds = marketTotal == nil
            ? HHIBounds(marketShares: marketShares, assumption: .noMarketTotal)
            : HHIBounds(marketShares: marketShares, largestUnreported: marketTotal?.largestUnreportedShare)
        self.bounds = bounds
        let hhiPlatforms = ConcentrationIndex.hhi(shares: platformShares)
        self.indices = ConcentrationFigures(
            hhi: bounds.lower,
            hhiUpper: bounds.upper,
            hhiUpperAssumption: bounds.assumption.text,
            hhiUpperNoAssumption: bounds.upperNoAssumption,
            hhiPlatforms: hhiPlatforms,
            hhiNormalized: ConcentrationIndex.normalizedHHI(shares: platformShares),
            cr1: ConcentrationIndex.concentrationRatio(1, shares: marketShares),
            cr3: ConcentrationIndex.concentrationRatio(3, shares: marketShares),
            cr4: ConcentrationIndex.concentrationRatio(4, shares: marketShares),
            cr5: ConcentrationIndex.concentrationRatio(5, shares: marketShares),
            cr8: ConcentrationIndex.concentrationRatio(8, shares: marketShares),
            equivalentFirms: ConcentrationIndex.equivalentFirms(hhi: hhiPlatforms),
            gini: ConcentrationIndex.gini(sizes: sizes),
            giniCorrected: ConcentrationIndex.giniCorrected(sizes: sizes),
            entropy: ConcentrationIndex.entropy(shares: platformShares),
            entropyRelative: ConcentrationIndex.relativeEntropy(shares: platformShares),
            theilT: ConcentrationIndex.theilT(shares: platformShares),
            hallTideman: ConcentrationIndex.hallTideman(shares: platformShares),
            dominance: ConcentrationIndex.dominance(shares: platformShares),
            linda: ConcentrationIndex.linda(shares: platformShares)
        )
        // Competition verdicts need a market: shares of the reported groups alone are not market shares.
        if marketTotal == nil {
            self.verdicts = nil
            self.verdictsUnavailable = measure == .originations
                ? "no competition verdicts on new lending without a market total for new lending "
                    + "(a market.csv row with measure 'originations'): shares of the reported groups are not market shares"
                : "no competition verdicts without a market total for \(period) in market.csv: "
                    + "shares of the reported groups are not market shares"
        } else {
            let undertakings = groups.map { (name: $0.group, size: $0.balanceCNY) }
            self.verdicts = Guideline.allCases.map {
                $0.verdict(hhi: bounds, undertakings: undertakings, total: denominator, date: period.endDate)
            }
            self.verdictsUnavailable = nil
        }

        // Co-lending only: a lending arm funding its own group is not a partner exposure.
        var bad: [String: Double] = [:]
        if measure == .originations, let statuses = dataset.loans?.amountByStatus[period] {
            var totals: [String: (bad: Double, all: Double)] = [:]
            for (platform, amounts) in statuses {
                let group = dataset.group(of: platform)
                for (status, amount) in amounts {
                    totals[group, default: (0, 0)].all += amount
                    if status.isBad { totals[group, default: (0, 0)].bad += amount }
                }
            }
            bad = totals.compactMapValues { $0.all > 0 ? $0.bad / $0.all : nil }
        }
        self.badShare = bad

        // Dependence on outstanding balances whatever the measure; co-lending only: a lending arm
        // funding its own group is not a partner exposure.
        var exposuresByBank: [String: [String: Double]] = [:]
        for row in dataset.balances where row.period == period {
            let group = dataset.group(of: row.platform)
            if dataset.isOwnLender(row.bank, of: group) { continue }
            exposuresByBank[row.bank, default: [:]][group, default: 0] += row.balanceCNY
        }
        let related = RelatedPartyIndex(dataset)
        self.banks = exposuresByBank
            .map { bank, exposures in
                BankDependence(bank: bank, profile: dataset.banks[bank], figures: dataset.banks[bank]?.figures(at: period),
                               exposures: exposures,
                               relatedGroups: Dictionary(uniqueKeysWithValues: exposures.keys.map { ($0, related.relatedGroups(of: $0)) }),
                               relatedPartners: Set(exposures.keys.filter { related.isBank(bank, relatedTo: $0) }))
            }
            .sorted { ($0.maxExposureToTier1 ?? -1, $1.bank) > ($1.maxExposureToTier1 ?? -1, $0.bank) }
        var funding: [String: [String: Double]] = [:]
        var pairingRows: [String: [String: [BalanceRecord]]] = [:]
        for row in rows {
            let group = dataset.group(of: row.platform)
            funding[row.bank, default: [:]][group, default: 0] += row.balanceCNY
            pairingRows[row.bank, default: [:]][group, default: []].append(row)
        }
        self.fundingByBank = funding
        self.pairingSources = pairingRows.mapValues { $0.mapValues(RowsProvenance.init(rows:)) }
        attachLoanDetails(dataset)
        self.alerts = computeAlerts()
    }

    mutating func setProjection(_ projection: CapProjection, cap: ColendingCap, bankIndex: Int) {
        banks[bankIndex].projections[cap] = projection
    }

    /// The verdict of `guideline`; nil when the analysis has no verdicts (see `verdictsUnavailable`).
    public func verdict(_ guideline: Guideline) -> Verdict? {
        verdicts?.first { $0.guideline == guideline }
    }

    /// The bank's co-lending dependence (balances), if it co-lends in this period.
    public func dependence(of bank: String) -> BankDependence? {
        banks.first { $0.bank == bank }
    }

    /// A merger of the named groups; nil when a name is not a group of this period. With the
    /// dataset, the what-if also recomputes every bank's exposure to the merged partner.
    public func merger(of parties: [String], dataset: MarketDataset? = nil) -> MergerAnalysis? {
        let known = Set(groups.map(\.group))
        guard parties.count >= 2, parties.allSatisfy(known.contains), Set(parties).count == parties.count else { return nil }
        var merger = MergerAnalysis(parties: parties,
                                    marketShares: Dictionary(uniqueKeysWithValues: groups.map { ($0.group, $0.shareOfMarket) }),
                                    period: period, largestUnreported: marketTotal?.largestUnreportedShare)
        if let dataset {
            merger.capBreachesCreated = capBreachesCreated(merging: parties, related: RelatedPartyIndex(dataset))
        }
        // The same rule as the market's verdicts: none without a market to judge.
        if verdicts == nil {
            merger.verdicts = []
            merger.verdictsUnavailable = verdictsUnavailable
        }
        return merger
    }
}

extension PeriodAnalysis {
    /// The source note most rows give (the first of equals, in file order); empty when none does.
    public static func commonSource(_ notes: [String]) -> String {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for note in notes where !note.isEmpty {
            if counts[note] == nil { order.append(note) }
            counts[note, default: 0] += 1
        }
        return order.max { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && order.firstIndex(of: $0)! > order.firstIndex(of: $1)!) } ?? ""
    }
}

/// Where a figure made of rows comes from (a group's, a pairing's): the weakest flag of its rows,
/// their total's flag when every row gives one, and the note most of them cite.
public struct RowsProvenance: Sendable, Hashable {
    public let flag: Provenance
    public let totalFlag: Provenance?
    public let source: String

    init(rows: [BalanceRecord]) {
        let totals = rows.compactMap(\.totalProvenance)
        flag = Provenance.weakest(rows.map(\.provenance))
        totalFlag = totals.count == rows.count && !rows.isEmpty ? Provenance.weakest(totals) : nil
        source = PeriodAnalysis.commonSource(rows.map(\.source))
    }
}

extension PeriodAnalysis {
    /// Over-indebtedness, pricing and co-funding of the period from the dataset's loan files.
    mutating func attachLoanDetails(_ dataset: MarketDataset) {
        let loans = dataset.loans
        indebtedness = loans?.indebtedness[period]
        indebtednessUnavailable = loans?.indebtednessUnavailable
        indebtednessByPeriod = loans?.indebtedness ?? [:]
        aprThresholds = loans?.aprThresholds ?? []
        checksCofundingFloor = loans?.hasPlatformFunded ?? false
        var byGroup: [String: LendingTerms] = [:]
        for (platform, terms) in loans?.terms[period] ?? [:] {
            let group = dataset.group(of: platform)
            if byGroup[group] == nil {
                byGroup[group] = LendingTerms(newCents: 0, aboveCents: [Int64](repeating: 0, count: terms.aboveCents.count))
            }
            byGroup[group]!.add(terms)
        }
        lendingTerms = byGroup.sorted { $0.key < $1.key }.map { GroupLendingTerms(group: $0.key, terms: $0.value) }
        lendingTermsUnavailable = nil
        if byGroup.values.contains(where: \.overflowed) {
            lendingTerms = []
            lendingTermsUnavailable = "a group's new lending sums past 92,233,720,368,547,758.07 yuan; not summed"
        }
    }
}

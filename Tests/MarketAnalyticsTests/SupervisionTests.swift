import Testing
@testable import MarketAnalytics

/// Supervision on real data, each case worked by hand: bank figures by period, related parties,
/// the rule calendar, early warnings, what changed, projections and mergers against the caps.
@Suite("Supervision on real data")
struct SupervisionTests {
    static let bn = 1e9

    static func balance(_ period: String, _ platform: String, _ bank: String, _ billions: Double) -> BalanceRecord {
        BalanceRecord(period: Period(period)!, platform: platform, bank: bank, balanceCNY: billions * bn)
    }

    static func figures(_ period: String?, tier1: Double?, loans: Double? = nil) -> BankFigureRow {
        BankFigureRow(period: period.flatMap(Period.init), tier1CapitalCNY: tier1.map { $0 * bn }, totalLoansCNY: loans.map { $0 * bn })
    }

    static func series(_ dataset: MarketDataset, warnAt: Double = 0) -> AnalysisSeries {
        AnalysisSeries(dataset: dataset, key: AnalysisKey(warnAt: warnAt))
    }

    // MARK: Bank figures by period

    /// B funds A 27 bn in three quarters. Capital: undated 100 bn, 120 bn from 2021Q2, 90 bn from
    /// 2021Q3. 27/100 = 27% (breach), 27/120 = 22.5% (within), 27/90 = 30% (breach).
    @Test("a capital change turns a breach off and on again between periods")
    func capitalChanges() {
        let dataset = MarketDataset(
            balances: ["2021Q1", "2021Q2", "2021Q3"].map { Self.balance($0, "A", "B", 27) },
            banks: [BankProfile(bank: "B", type: "city", figureRows: [
                Self.figures(nil, tier1: 100), Self.figures("2021Q2", tier1: 120), Self.figures("2021Q3", tier1: 90)])])
        let analyses = Self.series(dataset).analyses
        #expect(analyses.map { $0.alerts.filter { $0.rule == .singlePartnerExposure }.count } == [1, 0, 1])
        #expect(analyses.map { $0.banks[0].maxExposureToTier1 } == [0.27, 0.225, 0.30])
        #expect(analyses.map { $0.banks[0].figures?.capital?.period?.description } == [nil, "2021Q2", "2021Q3"])
        #expect(analyses[2].alerts[0].base?.valueCNY == 90 * Self.bn)
    }

    /// A dated row from 2020Q1 only: 2019Q4 has no figure (never a guess from a later row);
    /// 2021Q1 is 4 periods on (not stale), 2021Q2 five (stale).
    @Test("no figure before the first dated row; a figure more than four periods old is stale")
    func staleAndMissing() {
        let profile = BankProfile(bank: "B", type: "city", figureRows: [Self.figures("2020Q1", tier1: 100, loans: 500)])
        #expect(profile.figures(at: Period("2019Q4")!).capital == nil)
        #expect(profile.figures(at: Period("2019Q4")!).capitalMissing == "no capital figure for 2019Q4")
        #expect(profile.figures(at: Period("2021Q1")!).capital?.isStale == false)
        #expect(profile.figures(at: Period("2021Q2")!).capital?.isStale == true)
        #expect(profile.figures(at: Period("2021Q2")!).totalLoans?.isStale == true)
        let dataset = MarketDataset(balances: [Self.balance("2019Q4", "A", "B", 30)], banks: [profile])
        let bank = PeriodAnalysis(dataset: dataset, period: Period("2019Q4")!).banks[0]
        #expect(bank.maxExposureToTier1 == nil)
        #expect(bank.ratioUnavailable(.singlePartner) == "no capital figure for 2019Q4")
        #expect(bank.ratioUnavailable(.aggregate) == "no total loans figure for 2019Q4")
    }

    @Test("each figure resolves on its own: a quarterly capital row does not blank an annual loans figure")
    func figuresResolveApart() {
        let profile = BankProfile(bank: "B", type: "city", figureRows: [
            Self.figures("2020Q4", tier1: 100, loans: 800), Self.figures("2021Q1", tier1: 110, loans: nil)])
        let q1 = profile.figures(at: Period("2021Q1")!)
        #expect(q1.capital?.valueCNY == 110 * Self.bn && q1.capital?.period == Period("2021Q1"))
        #expect(q1.totalLoans?.valueCNY == 800 * Self.bn && q1.totalLoans?.period == Period("2020Q4"))
    }

    // MARK: Related parties

    /// B (tier-1 100 bn) funds A 15 bn and A2 15 bn: 15% each, two compliant pairs. Related, they
    /// are one exposure of 30 bn = 30%: one breach, A2 counted.
    @Test("two related partners each under 25% together breach the cap")
    func relatedPartnersBreachTogether() {
        var dataset = MarketDataset(
            balances: [Self.balance("2021Q1", "A", "B", 15), Self.balance("2021Q1", "A2", "B", 15),
                       Self.balance("2021Q1", "A3", "B", 15)],
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        #expect(PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!, warnAt: 0).alerts.isEmpty)
        // A2 is also related to A3: one hop only, so A counts A2 but not A3.
        dataset.relatedParties = [RelatedPartyLink(party: "A", relatedParty: "A2"),
                                  RelatedPartyLink(party: "A3", relatedParty: "A2")]
        let analysis = PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!, warnAt: 0)
        let exposureOfA = analysis.banks[0].capExposure("A")!
        #expect(exposureOfA.totalCNY == 30 * Self.bn)
        #expect(exposureOfA.relatedCounted.map(\.group) == ["A2"])
        // A2 counts both A and A3: 45 bn.
        #expect(analysis.banks[0].capExposure("A2")!.totalCNY == 45 * Self.bn)
        let alerts = analysis.alerts.filter { $0.rule == .singlePartnerExposure }
        // Largest first; equal values by name.
        #expect(alerts.map(\.subject) == [.pair(bank: "B", partner: "A2"), .pair(bank: "B", partner: "A"),
                                          .pair(bank: "B", partner: "A3")])
        #expect(alerts.map(\.value) == [0.45, 0.30, 0.30])
        #expect(alerts[0].relatedCounted.map(\.group) == ["A", "A3"])
    }

    @Test("a link through a platform counts its group; two partners counting the same groups are one alert")
    func relatedThroughPlatform() {
        let dataset = MarketDataset(
            balances: [Self.balance("2021Q1", "Huabei", "B", 16), Self.balance("2021Q1", "Weilidai", "B", 14)],
            groupOfPlatform: ["Huabei": "Ant", "Weilidai": "Tencent"],
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)],
            relatedParties: [RelatedPartyLink(party: "Huabei", relatedParty: "Tencent")])
        let alerts = PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!, warnAt: 0).alerts
        // Ant + Tencent = 30 bn, named after Ant (the first by name); Tencent's exposure counts the
        // same two groups, so it is not listed again.
        #expect(alerts.map(\.subject) == [.pair(bank: "B", partner: "Ant")])
        #expect(alerts.first?.value == 0.30)
        #expect(alerts.first?.relatedCounted.map(\.group) == ["Tencent"])
    }

    @Test("a bank related to its partner is marked")
    func bankRelatedToPartner() {
        let dataset = MarketDataset(
            balances: [Self.balance("2021Q1", "Ant", "MYbank", 30), Self.balance("2021Q1", "JD", "MYbank", 27)],
            banks: [BankProfile(bank: "MYbank", type: "online-only", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)],
            relatedParties: [RelatedPartyLink(party: "MYbank", relatedParty: "Ant", relation: "shareholder")])
        let analysis = PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!, warnAt: 0)
        let alerts = analysis.alerts.filter { $0.rule == .singlePartnerExposure }
        #expect(alerts.map(\.bankRelatedToPartner) == [true, false])
        #expect(analysis.banks[0].relatedPartners == ["Ant"])
    }

    // MARK: The rule calendar

    @Test("the caps: not yet before 2021-02-20, in transition until 2023-06-30, in force from it",
          arguments: [("2021-02-19", "not_yet"), ("2021-02-20", "transition"), ("2022-07-17", "transition"),
                      ("2023-06-29", "transition"), ("2023-06-30", "in_force"), ("2024-01-01", "in_force")])
    func capStates(date: String, state: String) {
        #expect(RuleCalendar.capState(on: CalendarDate(iso: date)!).code == state)
    }

    @Test("the 30% floor binds new loans from 2022-01-01 (item 6), with no transition",
          arguments: [("2021-02-20", "not_yet"), ("2021-12-31", "not_yet"), ("2022-01-01", "in_force")])
    func floorStates(date: String, state: String) {
        #expect(RuleCalendar.floorState(on: CalendarDate(iso: date)!).code == state)
        #expect(RuleCalendar.floorBinds(loanOriginatedOn: CalendarDate(iso: date)!) == (state == "in_force"))
    }

    @Test("an alert's state follows its period's end: 2020Q4 not yet, 2021Q1 and 2023Q1 transition, 2023Q2 in force",
          arguments: [("2020Q4", "not_yet", nil), ("2021Q1", "transition", "2023-06-30"),
                      ("2023Q1", "transition", "2023-06-30"), ("2023Q2", "in_force", nil)])
    func alertStates(period: String, state: String, until: String?) {
        let dataset = MarketDataset(balances: [Self.balance(period, "A", "B", 30)],
                                    banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        let alert = PeriodAnalysis(dataset: dataset, period: Period(period)!).alerts[0]
        #expect(alert.state.code == state)
        #expect(alert.state.until?.description == until)
        #expect(alert.inForce == (state != "not_yet"))
    }

    @Test("the floor's date is the calendar's everywhere it is used")
    func floorDateIsTheCalendars() {
        #expect(CofundingFloor.inForceFrom == CalendarDate(iso: "2022-01-01"))
        #expect(ColendingCap.inForceFrom == CalendarDate(iso: "2021-02-20"))
        #expect(RuleCalendar.events.map(\.date) == RuleCalendar.events.map(\.date).sorted())
    }

    // MARK: Early warnings

    /// Tier-1 100 bn: 20 bn is exactly 0.8 × 25% (a warning), 19.99 bn is not; 25 bn is at the cap
    /// (a warning, within it); total loans 100 bn with 40 bn co-lent is exactly 0.8 × 50%.
    @Test("exactly at the warning level is a warning; just under is nothing; warnings come after breaches")
    func warningLevel() {
        func alerts(_ amounts: [String: Double], warnAt: Double = 0.8) -> [Alert] {
            let dataset = MarketDataset(
                balances: amounts.map { Self.balance("2021Q2", $0.key, "B", $0.value) },
                banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: 100 * Self.bn)])
            return PeriodAnalysis(dataset: dataset, period: Period("2021Q2")!, warnAt: warnAt).alerts
        }
        let atLevel = alerts(["A": 20])
        #expect(atLevel.map(\.severity) == [.warning])
        #expect(atLevel.first?.value == 0.20)
        #expect(alerts(["A": 19.99]).isEmpty)
        #expect(alerts(["A": 25]).map(\.severity) == [.warning])
        #expect(alerts(["A": 20], warnAt: 0).isEmpty)
        let mixed = alerts(["A": 26, "C": 14])  // 40 bn of 100 bn loans: an aggregate warning
        #expect(mixed.map(\.rule) == [.singlePartnerExposure, .aggregateColending])
        #expect(mixed.map(\.severity) == [.breach, .warning])
    }

    // MARK: What changed

    /// Tier-1 100 bn. Q1: A 30, C 26, D 27, F 35. Q2: A 31 (+1 pp: worse), C gone (resolved),
    /// D 26.5 (−0.5 pp: neither), E 28 (new), F 29 (−6 pp: better).
    @Test("new, resolved, worse and better alerts across two periods")
    func changes() {
        let q1 = ["A": 30.0, "C": 26, "D": 27, "F": 35]
        let q2 = ["A": 31.0, "D": 26.5, "E": 28, "F": 29]
        let dataset = MarketDataset(
            balances: q1.map { Self.balance("2021Q1", $0.key, "B", $0.value) } + q2.map { Self.balance("2021Q2", $0.key, "B", $0.value) },
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        let series = Self.series(dataset)
        #expect(series.analyses[0].changes == nil)
        let changes = series.analyses[1].changes!
        #expect(changes.previous == Period("2021Q1"))
        #expect(changes.new.map(\.identity.subject) == [.pair(bank: "B", partner: "E")])
        #expect(changes.new.first?.after?.value == 0.28 && changes.new.first?.before == nil)
        #expect(changes.resolved.map(\.identity.subject) == [.pair(bank: "B", partner: "C")])
        #expect(changes.worse.map(\.identity.subject) == [.pair(bank: "B", partner: "A")])
        #expect(changes.worse.first.map { ($0.before!.value, $0.after!.value) }! == (0.30, 0.31))
        #expect(changes.better.map(\.identity.subject) == [.pair(bank: "B", partner: "F")])
    }

    // MARK: Projections

    /// Ratios 10%, 13%, 16%, 19% (tier-1 100 bn): average step (19 − 10)/3 = 3 pp. 19 + 2·3 = 25 is
    /// at the cap (within it), 19 + 3·3 = 28 passes it: the breach is 3 periods after 2021Q4, 2022Q3.
    @Test("a projection with a hand-computed slope; at the cap is not yet a breach")
    func projection() {
        let quarters = ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]
        let dataset = MarketDataset(
            balances: zip(quarters, [10.0, 13, 16, 19]).map { Self.balance($0, "A", "B", $1) },
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        let analyses = Self.series(dataset).analyses
        let projection = analyses[3].banks[0].projections[.singlePartner]
        #expect(projection?.breachPeriod == Period("2022Q3"))
        #expect(abs(projection!.averageStep - 0.03) < 1e-12)
        // Fewer than four periods: no projection.
        #expect(analyses[2].banks[0].projections[.singlePartner] == nil)
        // No total loans: no projection of the aggregate cap.
        #expect(analyses[3].banks[0].projections[.aggregate] == nil)
    }

    @Test("flat, falling or already over the cap: no projected period",
          arguments: [[20.0, 20, 20, 20], [22.0, 21, 20, 19], [20.0, 24, 28, 32]])
    func noProjection(ratios: [Double]) {
        let projection = CapProjection(ratios: ratios.map { $0 / 100 }, period: Period("2021Q4")!, limit: 0.25)
        #expect(projection != nil && projection?.breachPeriod == nil)
        #expect(CapProjection(ratios: [0.1, 0.2, 0.3], period: Period("2021Q4")!, limit: 0.25) == nil)
    }

    @Test("a gap in the periods is no trend")
    func projectionNeedsConsecutivePeriods() {
        let quarters = ["2021Q1", "2021Q2", "2021Q4", "2022Q1"]
        let dataset = MarketDataset(
            balances: zip(quarters, [10.0, 13, 16, 19]).map { Self.balance($0, "A", "B", $1) },
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)])
        #expect(Self.series(dataset).analyses[3].banks[0].projections.isEmpty)
    }

    // MARK: Mergers and the caps

    /// B (tier-1 100 bn) funds A 15 bn and J 12 bn: within the cap with each; merged, 27 bn = 27%.
    /// C funds A 30 bn: already over the cap with A, so no new breach. D funds 5 + 5: 10%, within.
    @Test("a merger that creates a breach lists the bank; an existing breach is not new")
    func mergerCreatesBreach() {
        let dataset = MarketDataset(
            balances: [Self.balance("2021Q1", "A", "B", 15), Self.balance("2021Q1", "J", "B", 12),
                       Self.balance("2021Q1", "A", "C", 30), Self.balance("2021Q1", "J", "D", 5),
                       Self.balance("2021Q1", "A", "D", 5)],
            marketTotals: [MarketTotal(period: Period("2021Q1")!, definition: "m", totalCNY: 1_000 * Self.bn)],
            banks: ["B", "C", "D"].map { BankProfile(bank: $0, type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil) })
        let analysis = PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!)
        let merger = analysis.merger(of: ["A", "J"], dataset: dataset)!
        #expect(merger.capBreachesCreated?.map(\.bank) == ["B"])
        #expect(merger.capBreachesCreated?.first?.exposureToTier1After == 0.27)
        #expect(merger.capBreachesCreated?.first?.exposureToTier1Before == ["A": 0.15, "J": 0.12])
        #expect(merger.capBreachesCreated?.first?.excessCNY == 2 * Self.bn)
        #expect(analysis.merger(of: ["A", "J"])?.capBreachesCreated == nil)
    }

    @Test("a merger counts the parties' related parties once")
    func mergerCountsRelated() {
        let dataset = MarketDataset(
            balances: [Self.balance("2021Q1", "A", "B", 10), Self.balance("2021Q1", "J", "B", 8),
                       Self.balance("2021Q1", "R", "B", 8)],
            banks: [BankProfile(bank: "B", type: "city", tier1CapitalCNY: 100 * Self.bn, totalLoansCNY: nil)],
            relatedParties: [RelatedPartyLink(party: "A", relatedParty: "R"), RelatedPartyLink(party: "J", relatedParty: "R")])
        // Before: A + R = 18%, J + R = 16%; after: A + J + R = 26 bn = 26%.
        let merger = PeriodAnalysis(dataset: dataset, period: Period("2021Q1")!).merger(of: ["A", "J"], dataset: dataset)!
        #expect(merger.capBreachesCreated?.first?.exposureToTier1After == 0.26)
        #expect(merger.capBreachesCreated?.first?.relatedCounted == ["R"])
    }
}

@Suite("Supervision: review cases")
struct SupervisionReviewTests {
    static let bn = 1e9

    static func dataset(_ rows: [(String, String, String, Double)], capital: Double = 100,
                        related: [RelatedPartyLink] = []) -> MarketDataset {
        MarketDataset(balances: rows.map { BalanceRecord(period: Period($0.0)!, platform: $0.1, bank: $0.2, balanceCNY: $0.3 * bn) },
                      banks: Set(rows.map(\.2)).map { BankProfile(bank: $0, type: "city", tier1CapitalCNY: capital * bn, totalLoansCNY: nil) },
                      relatedParties: related)
    }

    /// B–P 24.8 → 25.2 bn (a warning becomes a breach: new); C–Q 25.3 → 24.9 (a breach becomes a
    /// warning: resolved). Each moved less than a point.
    @Test("a warning that becomes a breach is new, a breach that becomes a warning is resolved")
    func statusSwitches() {
        let data = Self.dataset([("2023Q2", "P", "B", 24.8), ("2023Q3", "P", "B", 25.2), ("2023Q2", "Q", "C", 25.3), ("2023Q3", "Q", "C", 24.9)])
        let changes = AnalysisSeries(dataset: data, key: AnalysisKey(warnAt: 0.8)).analyses[1].changes!
        #expect(changes.new.map(\.identity.subject) == [.pair(bank: "B", partner: "P")])
        #expect(changes.new.first?.before?.severity == .warning && changes.new.first?.after?.severity == .breach)
        #expect(changes.resolved.map(\.identity.subject) == [.pair(bank: "C", partner: "Q")])
        #expect(changes.resolved.first?.after?.severity == .warning)
        #expect(changes.worse.isEmpty && changes.better.isEmpty)
    }

    /// GA and GB related; K1 funds 12 + 15 then 15 + 12: one 27% breach in both periods, one name.
    @Test("related partners' alert keeps one name across periods, and counts once over the cap")
    func relatedNameStable() {
        let data = Self.dataset([("2021Q3", "GA", "K1", 12), ("2021Q3", "GB", "K1", 15), ("2021Q4", "GA", "K1", 15), ("2021Q4", "GB", "K1", 12)],
                                related: [RelatedPartyLink(party: "GA", relatedParty: "GB")])
        let series = AnalysisSeries(dataset: data, key: AnalysisKey())
        #expect(series.analyses.map { $0.alerts.map(\.subject) } == [[.pair(bank: "K1", partner: "GA")], [.pair(bank: "K1", partner: "GA")]])
        #expect(series.analyses[1].alerts[0].periods == 2)
        #expect(series.analyses[1].changes?.isEmpty == true)
        #expect(series.analyses[1].banks[0].partnersOverCap == ["GA"])
    }

    /// Capital 8,599,491,098,503.64 yuan; PA1 1,556,173,845,660.37 + PA2 593,698,928,965.54 = exactly
    /// a quarter of it: within the cap, at exactly 25%.
    @Test("a sum exactly at 25% of capital is within the cap")
    func exactQuarterFromASum() {
        let period = Period("2021Q1")!
        let data = MarketDataset(
            balances: [BalanceRecord(period: period, platform: "PA1", bank: "K", balanceCNY: 1_556_173_845_660.37),
                       BalanceRecord(period: period, platform: "PA2", bank: "K", balanceCNY: 593_698_928_965.54)],
            groupOfPlatform: ["PA1": "GA", "PA2": "GA"],
            banks: [BankProfile(bank: "K", type: "city", tier1CapitalCNY: 8_599_491_098_503.64, totalLoansCNY: nil)])
        let analysis = PeriodAnalysis(dataset: data, period: period)
        #expect(analysis.alerts.isEmpty)
        #expect(analysis.banks[0].maxExposureToTier1 == 0.25)
    }

    @Test("--warn-at is exact at its level: 7% of 25% of 100 bn is 1.75 bn; 0.81 × 25% of 5 bn is 1.0125 bn")
    func warnAtExact() {
        #expect(ColendingCap.singlePartner.isWarning(amount: 1.75 * Self.bn, base: 100 * Self.bn, warnAt: 0.07))
        #expect(ColendingCap.singlePartner.isWarning(amount: 1.0125 * Self.bn, base: 5 * Self.bn, warnAt: 0.81))
        #expect(!ColendingCap.singlePartner.isWarning(amount: 1.0124 * Self.bn, base: 5 * Self.bn, warnAt: 0.81))
    }
}

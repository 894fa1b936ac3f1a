/// Every period's analysis under one key, oldest first, with each alert's run of periods filled in.
///
/// The one place analyses for a whole dataset are made: the reload worker, `report` and the tests
/// all build a series, so an alert's `first_period` reads the same on every path.
public struct AnalysisSeries: Sendable {
    public let key: AnalysisKey
    public let analyses: [PeriodAnalysis]

    /// - Parameter key: the definition (nil: the default for the measure) and the measure.
    ///   The series' `key` names the definition actually used (the default resolved).
    public init(dataset: MarketDataset, key: AnalysisKey, fxDate: CalendarDate? = nil) {
        let known = dataset.marketDefinitions(for: key.measure)
        let resolved = AnalysisKey(definition: key.definition.flatMap { known.contains($0) ? $0 : nil } ?? known.first,
                                   measure: key.measure, warnAt: key.warnAt)
        self.init(dataset.periods.map {
            PeriodAnalysis(dataset: dataset, period: $0, definition: resolved.definition, fxDate: fxDate, measure: key.measure,
                           warnAt: key.warnAt)
        }, key: resolved)
    }

    /// Analyses already made (oldest first), e.g. kept across a reload that changed only loan files.
    public init(_ analyses: [PeriodAnalysis], key: AnalysisKey) {
        self.key = key
        var annotated = analyses
        // A breach's run and a warning's run are apart: a warning never extends a breach's run.
        struct RunKey: Hashable { let identity: Alert.Identity; let severity: Alert.Severity }
        var previous: [RunKey: (first: Period, count: Int, firstInForce: Period?)] = [:]
        for index in annotated.indices {
            // A run is unbroken in the calendar: a period missing from the data ends it.
            let follows = index > 0 && annotated[index - 1].period == annotated[index].period.previous
            if !follows { previous = [:] }
            annotated[index].changes = follows
                ? AlertChanges(previous: annotated[index - 1].period, before: annotated[index - 1].alerts,
                               after: annotated[index].alerts)
                : nil
            var current: [RunKey: (first: Period, count: Int, firstInForce: Period?)] = [:]
            for alertIndex in annotated[index].alerts.indices {
                let alert = annotated[index].alerts[alertIndex]
                let period = annotated[index].period
                let key = RunKey(identity: alert.identity, severity: alert.severity)
                let run = previous[key].map { ($0.first, $0.count + 1, $0.firstInForce ?? (alert.inForce ? period : nil)) }
                    ?? (period, 1, alert.inForce ? period : nil)
                current[key] = run
                annotated[index].alerts[alertIndex].firstPeriod = run.0
                annotated[index].alerts[alertIndex].periods = run.1
                annotated[index].alerts[alertIndex].firstPeriodInForce = run.2
            }
            previous = current
        }
        Self.project(&annotated)
        self.analyses = annotated
    }

    /// Each bank's cap projections: the last `CapProjection.window` consecutive periods' ratios.
    private static func project(_ analyses: inout [PeriodAnalysis]) {
        let window = CapProjection.window
        guard analyses.count >= window else { return }
        for index in (window - 1)..<analyses.count {
            let span = analyses[(index - window + 1)...index]
            // Consecutive calendar periods only: a gap is no trend.
            guard zip(span.dropFirst(), span).allSatisfy({ $0.period.previous == $1.period }) else { continue }
            let history = span.map { analysis in Dictionary(analysis.banks.map { ($0.bank, $0) }, uniquingKeysWith: { a, _ in a }) }
            for bankIndex in analyses[index].banks.indices {
                let name = analyses[index].banks[bankIndex].bank
                for cap in ColendingCap.allCases {
                    let ratios = history.compactMap { $0[name]?.ratio(cap) }
                    guard ratios.count == window,
                          let projection = CapProjection(ratios: ratios, period: analyses[index].period, limit: cap.limit)
                    else { continue }
                    analyses[index].setProjection(projection, cap: cap, bankIndex: bankIndex)
                }
            }
        }
    }

    public var periods: [Period] { analyses.map(\.period) }

    public func analysis(for period: Period) -> PeriodAnalysis? {
        analyses.first { $0.period == period }
    }

    /// One unbroken run of consecutive calendar periods in which the same alert was raised under the
    /// same status: a run before a rule came into force and the run after it are two runs, so the
    /// largest value and the status of a run never mix the two.
    public struct AlertRun: Sendable {
        public let rule: Alert.Rule
        public let subject: Alert.Subject
        public let firstPeriod: Period
        public let lastPeriod: Period
        public let periods: Int
        /// The largest value in the run, in the rule's unit.
        public let maxValue: Double
        /// The alert in the run's last period.
        public let last: Alert
        /// True when the rule was in force in every period of the run.
        public let inForce: Bool
    }

    /// Every run of every alert over all periods, co-lending caps first, then by subject (a pair's
    /// runs side by side) and first period.
    /// With `rules`, only those rules' runs.
    public func alertRuns(rules: Set<Alert.Rule>? = nil) -> [AlertRun] {
        var runs: [AlertRun] = []
        var open: [Alert.Identity: (first: Period, last: Period, count: Int, max: Double, alert: Alert, inForce: Bool)] = [:]
        var last: Period?
        for analysis in analyses {
            // A gap in the calendar closes every run.
            if let last, last != analysis.period.previous {
                for (identity, run) in open { runs.append(Self.run(identity, run)) }
                open = [:]
            }
            last = analysis.period
            var next: [Alert.Identity: (first: Period, last: Period, count: Int, max: Double, alert: Alert, inForce: Bool)] = [:]
            for alert in analysis.alerts where alert.severity == .breach && rules?.contains(alert.rule) ?? true {
                let identity = alert.identity
                if let run = open[identity], run.inForce == alert.inForce {
                    open[identity] = nil
                    next[identity] = (run.first, analysis.period, run.count + 1, max(run.max, alert.value), alert, run.inForce)
                } else {
                    if let ended = open.removeValue(forKey: identity) { runs.append(Self.run(identity, ended)) }
                    next[identity] = (analysis.period, analysis.period, 1, alert.value, alert, alert.inForce)
                }
            }
            for (identity, run) in open { runs.append(Self.run(identity, run)) }
            open = next
        }
        for (identity, run) in open { runs.append(Self.run(identity, run)) }
        func capFirst(_ rule: Alert.Rule) -> Int { Alert.Rule.allCases.firstIndex(of: rule)! }
        return runs.sorted {
            (capFirst($0.rule), $0.subject.description, $0.firstPeriod) < (capFirst($1.rule), $1.subject.description, $1.firstPeriod)
        }
    }

    private static func run(_ identity: Alert.Identity,
                            _ run: (first: Period, last: Period, count: Int, max: Double, alert: Alert, inForce: Bool)) -> AlertRun {
        AlertRun(rule: identity.rule, subject: identity.subject, firstPeriod: run.first, lastPeriod: run.last,
                 periods: run.count, maxValue: run.max, last: run.alert, inForce: run.inForce)
    }
}

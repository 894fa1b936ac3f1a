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
                                   measure: key.measure)
        self.init(dataset.periods.map {
            PeriodAnalysis(dataset: dataset, period: $0, definition: resolved.definition, fxDate: fxDate, measure: key.measure)
        }, key: resolved)
    }

    /// Analyses already made (oldest first), e.g. kept across a reload that changed only loan files.
    public init(_ analyses: [PeriodAnalysis], key: AnalysisKey) {
        self.key = key
        var annotated = analyses
        var previous: [Alert.Identity: (first: Period, count: Int)] = [:]
        for index in annotated.indices {
            var current: [Alert.Identity: (first: Period, count: Int)] = [:]
            for alertIndex in annotated[index].alerts.indices {
                let identity = annotated[index].alerts[alertIndex].identity
                let run = previous[identity].map { ($0.first, $0.count + 1) } ?? (annotated[index].period, 1)
                current[identity] = run
                annotated[index].alerts[alertIndex].firstPeriod = run.0
                annotated[index].alerts[alertIndex].periods = run.1
            }
            previous = current
        }
        self.analyses = annotated
    }

    public var periods: [Period] { analyses.map(\.period) }

    public func analysis(for period: Period) -> PeriodAnalysis? {
        analyses.first { $0.period == period }
    }

    /// One unbroken run of periods in which the same alert was raised.
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
        /// True when the rule was in force in at least one period of the run.
        public let inForce: Bool
    }

    /// Every run of every alert over all periods, co-lending caps first, then by first period and subject.
    /// With `rules`, only those rules' runs.
    public func alertRuns(rules: Set<Alert.Rule>? = nil) -> [AlertRun] {
        var runs: [AlertRun] = []
        var open: [Alert.Identity: (first: Period, last: Period, count: Int, max: Double, alert: Alert, inForce: Bool)] = [:]
        for analysis in analyses {
            var next: [Alert.Identity: (first: Period, last: Period, count: Int, max: Double, alert: Alert, inForce: Bool)] = [:]
            for alert in analysis.alerts where rules?.contains(alert.rule) ?? true {
                let identity = alert.identity
                if let run = open.removeValue(forKey: identity) {
                    next[identity] = (run.first, analysis.period, run.count + 1, max(run.max, alert.value), alert,
                                      run.inForce || alert.inForce)
                } else {
                    next[identity] = (analysis.period, analysis.period, 1, alert.value, alert, alert.inForce)
                }
            }
            for (identity, run) in open { runs.append(Self.run(identity, run)) }
            open = next
        }
        for (identity, run) in open { runs.append(Self.run(identity, run)) }
        func capFirst(_ rule: Alert.Rule) -> Int { Alert.Rule.allCases.firstIndex(of: rule)! }
        return runs.sorted {
            (capFirst($0.rule), $0.firstPeriod, $0.subject.description) < (capFirst($1.rule), $1.firstPeriod, $1.subject.description)
        }
    }

    private static func run(_ identity: Alert.Identity,
                            _ run: (first: Period, last: Period, count: Int, max: Double, alert: Alert, inForce: Bool)) -> AlertRun {
        AlertRun(rule: identity.rule, subject: identity.subject, firstPeriod: run.first, lastPeriod: run.last,
                 periods: run.count, maxValue: run.max, last: run.alert, inForce: run.inForce)
    }
}

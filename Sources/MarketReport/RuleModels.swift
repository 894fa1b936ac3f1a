import TerminalText
import MarketAnalytics

/// The rule tables (alerts, breach runs, banks, merger what-if), built once and rendered by the
/// dashboard, the exports and `report`.
public enum RuleModels {
    /// A value in its rule's unit, as text.
    public static func format(_ value: Double, _ unit: Alert.Rule.Unit, decimals: Int = 1) -> String {
        switch unit {
        case .hhi: return NumberFormat.grouped(value, decimals: decimals)
        case .fractionOfBase, .shareOfMarket, .shareOfCofunded: return NumberFormat.percent(value, decimals: decimals)
        }
    }

    /// Short name of a rule for narrow columns.
    public static func shortRule(_ rule: Alert.Rule) -> String {
        switch rule {
        case .singlePartnerExposure: return "25% T1 cap"
        case .aggregateColending: return "50% loans cap"
        case .dominanceOne: return "AML one ≥1/2"
        case .dominanceTwo: return "AML two ≥2/3"
        case .dominanceThree: return "AML three ≥3/4"
        case .us2023Concentration: return "US 2023 HHI"
        case .us2010Concentration: return "US 2010 HHI"
        case .eu2004Concentration: return "EU 2004 HHI"
        case .cofundingFloor: return "30% co-fund"
        }
    }

    /// Every alert of a period: one row per (bank, partner) pair, per bank, or per market rule.
    /// - Parameter target: what Enter opens from an alert (the dashboard: the pairing's history).
    public static func alerts<Target>(_ analysis: PeriodAnalysis,
                                      target: (Alert) -> Target? = { _ in nil }) -> DataTable<Target> {
        let rows = analysis.alerts.enumerated().map { index, alert -> DataTable<Target>.Row in
            let unit = alert.rule.unit
            let status = alert.ruleStatus
            let since = alert.firstPeriod.map { "\($0)" } ?? ""
            let isFloor = alert.rule == .cofundingFloor
            let valueText = unit == .hhi ? format(alert.value, unit)
                : (isFloor ? NumberFormat.percent(alert.value, decimals: 1) : NumberFormat.percent(alert.value, decimals: 1, distinctFrom: alert.limit))
            let stateText = stateWords(alert.state)
            return DataTable<Target>.Row(id: "\(index)", cells: [
                DataTable<Target>.Cell(shortRule(alert.rule), sort: .text(alert.rule.rawValue), csv: alert.rule.rawValue),
                .name(alert.subject.bank ?? ""),
                .name(alert.subject.partner ?? (alert.subject.bank == nil ? alert.subject.description : "")),
                DataTable<Target>.Cell(alert.severity.rawValue, style: alert.severity == .breach ? .warning : .accent,
                                       sort: .text(alert.severity.rawValue), csv: alert.severity.rawValue),
                .number(alert.value, alert.state.mark + " " + valueText + (isFloor ? " by amt" : ""),
                        style: alert.severity == .breach && alert.inForce ? .warning : .accent),
                .number(alert.limit, isFloor ? "none" : format(alert.limit, unit, decimals: unit == .hhi ? 0 : 1)),
                DataTable<Target>.Cell(unit.rawValue, sort: .text(unit.rawValue), csv: unit.rawValue),
                .number(alert.excessCNY, alert.excessCNY.map { NumberFormat.billionsNonZero($0) } ?? "",
                        csvValue: alert.excessCNY.map { $0 / 1e9 }),
                DataTable<Target>.Cell(since, sort: .text(since), csv: since),
                .number(alert.periods.map(Double.init), alert.periods.map(String.init) ?? "",
                        csvValue: alert.periods.map(Double.init)),
                DataTable<Target>.Cell(stateText, style: alert.state == .inForce ? nil : .accent,
                                       sort: .text(alert.state.code), csv: alert.state.code),
                DataTable<Target>.Cell(alert.inForce ? "true" : "false", csv: alert.inForce ? "true" : "false"),
                .name(alert.state.until?.description ?? ""),
                .name(alert.relatedCounted.map(\.group).joined(separator: "; ")),
                DataTable<Target>.Cell(alert.bankRelatedToPartner ? "yes" : "", csv: alert.bankRelatedToPartner ? "true" : "false"),
                .number(alert.base?.valueCNY, alert.base.map { NumberFormat.billions($0.valueCNY, decimals: 1) } ?? "",
                        csvValue: alert.base.map { $0.valueCNY / 1e9 }),
                .name(alert.base.map { ($0.period?.description ?? "undated") + ($0.isStale ? " (stale)" : "") } ?? ""),
                .name(alert.rule.title),
                .name(alert.source), .name(alert.rule.date), .name(status),
            ], target: target(alert), detail: [
                "\(alert.subject): " + (isFloor
                    ? "\(format(alert.value, unit)) of co-funded new lending by amount has the platform's part below 30%"
                    : "\(format(alert.value, unit)) vs \(format(alert.limit, unit))"
                      + (alert.severity == .warning ? " (early warning at \(NumberFormat.percent(analysis.warnAt * alert.limit, decimals: 1)))" : ""))
                    + (alert.relatedCounted.isEmpty ? "" : ", counting related \(alert.relatedCounted.map(\.group).joined(separator: ", "))")
                    + (alert.bankRelatedToPartner ? ", the bank is itself related to the partner" : "")
                    + (alert.base.map { b in ", base from \(b.period?.description ?? "an undated row")" + (b.isStale ? " (stale)" : "") } ?? "")
                    + (alert.excessCNY.map { ", CNY \(NumberFormat.billions($0, decimals: 2)) bn over" } ?? "")
                    + (alert.firstPeriod.map { ", since \($0) (\(alert.periods ?? 1) period\(alert.periods == 1 ? "" : "s"))" } ?? "")
                    + (alert.firstPeriodInForce.flatMap { $0 == alert.firstPeriod ? nil : ", in force since \($0)" } ?? "")
                    + ". \(alert.rule.title).",
                "\(alert.source), \(alert.rule.date); \(status).",
            ])
        }
        let breaches = analysis.alerts.filter { $0.severity == .breach }
        let warnings = analysis.alerts.count - breaches.count
        let notYet = breaches.filter { $0.state == .notYet }.count
        let transition = breaches.filter { $0.state.until != nil }.count
        var summary = "  \(breaches.count) alert\(breaches.count == 1 ? "" : "s") in \(analysis.period)"
        var notes: [String] = []
        if transition > 0 { notes.append("\(transition) in transition »") }
        if notYet > 0 { notes.append("\(notYet) not yet in force ~") }
        if warnings > 0 { notes.append("\(warnings) early warning\(warnings == 1 ? "" : "s") at \(NumberFormat.percent(analysis.warnAt, decimals: 0)) of a cap") }
        if !notes.isEmpty { summary += " (" + notes.joined(separator: "; ") + ")" }
        if analysis.verdicts == nil { summary += "; no competition alerts: \(analysis.verdictsUnavailable ?? "")" }
        return DataTable(
            title: "Alerts, \(analysis.period)",
            summary: [(summary, analysis.alerts.isEmpty ? .good : .warning), (changeSummary(analysis), .muted)],
            columns: [
                .init("Rule", .fixed(14), csv: "rule"),
                .init("Bank", .flexible(min: 18, max: 40), csv: "bank"),
                .init("Partner / groups", .flexible(min: 16, max: 30), csv: "partner_or_subject"),
                .init("Kind", .fixed(7), csv: "status", priority: 1),
                .init("Value", .fixed(10), .right, csv: "value"),
                .init("Limit", .fixed(6), .right, csv: "limit"),
                .init("Unit", .fixed(8), csv: "unit", onScreen: false, inText: false),
                .init("Excess bn", .fixed(9), .right, csv: "excess_cny_bn", priority: 1),
                .init("Since", .fixed(7), csv: "first_period", priority: 2),
                .init("Pds", .fixed(3), .right, csv: "periods", priority: 3),
                // On screen `!` (in force), `»` (transition) and `~` (not yet) before the value say it;
                // files spell it out.
                .init("State", .fixed(10), csv: "state", priority: 5),
                .init("In force", .fixed(8), csv: "in_force", onScreen: false, inText: false),
                .init("Until", .fixed(10), csv: "state_until", onScreen: false, inText: false),
                .init("Related counted", .flexible(min: 10, max: 60), csv: "related_counted", onScreen: false, inText: false),
                .init("Bank related", .fixed(5), csv: "bank_related_to_partner", onScreen: false, inText: false),
                .init("Base bn", .fixed(8), .right, csv: "base_cny_bn", onScreen: false, inText: false),
                .init("Base period", .fixed(14), csv: "base_period", onScreen: false, inText: false),
                .init("Title", .flexible(min: 10, max: 70), csv: "title", onScreen: false, inText: false),
                .init("Source", .flexible(min: 10, max: 80), csv: "source", onScreen: false, inText: false),
                .init("Date", .fixed(10), csv: "date", onScreen: false, inText: false),
                .init("Rule status", .flexible(min: 10, max: 70), csv: "rule_status", onScreen: false, inText: false),
            ],
            rows: rows)
    }

    /// "Changed since <previous period>": new, resolved, worse and better alerts, one line each.
    public static func changeLines(_ analysis: PeriodAnalysis, indent: String = "  ") -> [String] {
        guard let changes = analysis.changes else {
            return ["Changed since the previous period: no previous period in the data"]
        }
        var lines = ["Changed since \(changes.previous) (worse/better: moved by 1 percentage point or more; HHI by 100)"]
        if changes.isEmpty { return lines + [indent + "nothing"] }
        func describe(_ item: AlertChanges.Item) -> String {
            let unit = item.identity.rule.unit
            let before = item.before.map { format($0.value, unit) + ($0.severity == .warning ? " (warning)" : "") } ?? "—"
            let after = item.after.map { format($0.value, unit) + ($0.severity == .warning ? " (warning)" : "") } ?? "—"
            return "\(shortRule(item.identity.rule)) \(SafeText.sanitize(item.identity.subject.description)): \(before) → \(after)"
        }
        for (word, items) in [("new", changes.new), ("resolved", changes.resolved), ("worse", changes.worse), ("better", changes.better)]
        where !items.isEmpty {
            lines += items.map { "\(indent)\(word): " + describe($0) }
        }
        return lines
    }

    /// The alerts view's "changed since" line: the four counts, then the new alerts by name.
    public static func changeSummary(_ analysis: PeriodAnalysis) -> String {
        guard let changes = analysis.changes else { return "  changed since: no previous period in the data" }
        var line = "  changed since \(changes.previous): \(changes.new.count) new, \(changes.resolved.count) resolved, "
            + "\(changes.worse.count) worse, \(changes.better.count) better (1 pp)"
        if !changes.new.isEmpty {
            line += " · new: " + changes.new.map { "\(shortRule($0.identity.rule)) \($0.identity.subject)" }.joined(separator: "; ")
        }
        return line
    }

    /// What the banks table cannot say in a cell: a cap that cannot be measured (no capital or loans
    /// figure for the period), a base figure that is stale, and where a cap's ratio is heading (a
    /// projection, not a finding). Names sanitised; the text report and Markdown list them.
    public static func bankNotes(_ analysis: PeriodAnalysis) -> [String] {
        var notes: [String] = []
        for bank in analysis.banks.sorted(by: { $0.bank < $1.bank }) where bank.profile != nil {
            let name = SafeText.sanitize(bank.bank)
            for cap in ColendingCap.allCases {
                let short = cap == .singlePartner ? "25% cap" : "50% cap"
                if let why = bank.ratioUnavailable(cap) { notes.append("\(name): \(short) not measured: \(why)") }
                if let base = bank.base(cap), base.isStale, let period = base.period {
                    notes.append("\(name): \(cap == .singlePartner ? "capital" : "total loans") of \(period) is stale† "
                                 + "(over \(BankFigures.staleAfter) periods before \(analysis.period))")
                }
                if let projected = bank.projections[cap]?.breachPeriod {
                    notes.append("\(name): \(short) projected to be passed in \(projected) (a projection, not a finding: "
                                 + "the average step of the last four periods carried forward)")
                }
            }
        }
        return notes
    }

    /// A rule state in a few words for a column.
    public static func stateWords(_ state: RuleCalendar.State) -> String {
        switch state {
        case .notYet: return "not yet"
        case .transition: return "transition"
        case .inForce: return "in force"
        }
    }

    /// The rules behind a list of alerts, each cited once: short name, title, source, date, status.
    public static func citations(_ alerts: [Alert]) -> [String] {
        var seen = Set<String>()
        return alerts.compactMap { alert in
            let line = "\(shortRule(alert.rule)): \(alert.rule.title); \(alert.source), \(alert.rule.date); \(alert.ruleStatus)"
            return seen.insert(line).inserted ? line : nil
        }
    }

    /// Every run of co-lending cap breaches over all periods: which banks, with whom, since when.
    public static func breachRuns(_ series: AnalysisSeries) -> DataTable<Never> {
        let runs = series.alertRuns(rules: SeriesReport.monitoredRules)
        let rows = runs.enumerated().map { index, run -> DataTable<Never>.Row in
            DataTable<Never>.Row(id: "\(index)", cells: [
                DataTable<Never>.Cell(shortRule(run.rule), sort: .text(run.rule.rawValue), csv: run.rule.rawValue),
                .name(run.subject.bank ?? ""), .name(run.subject.partner ?? (run.subject.bank == nil ? run.subject.description : "")),
                .name(run.firstPeriod.description), .name(run.lastPeriod.description),
                .number(Double(run.periods), String(run.periods)),
                .number(run.maxValue, format(run.maxValue, run.rule.unit)),
                .number(run.last.excessCNY, run.last.excessCNY.map { NumberFormat.billionsNonZero($0) } ?? "",
                        csvValue: run.last.excessCNY.map { $0 / 1e9 }),
                DataTable<Never>.Cell(stateWords(run.last.state), csv: run.last.state.code),
            ])
        }
        return DataTable(
            title: "Co-lending cap and floor breaches, \(series.periods.first.map { "\($0)" } ?? "")–\(series.periods.last.map { "\($0)" } ?? "")",
            columns: [
                .init("Rule", .fixed(14), csv: "rule"), .init("Bank", .flexible(min: 12, max: 34), csv: "bank"),
                .init("Partner", .flexible(min: 10, max: 24), csv: "partner"),
                .init("First", .fixed(7), csv: "first_period"), .init("Last", .fixed(7), csv: "last_period"),
                .init("Periods", .fixed(7), .right, csv: "periods"),
                .init("Max", .fixed(7), .right, csv: "max_value"),
                .init("Excess bn (last)", .fixed(9), .right, csv: "excess_cny_bn_last"),
                .init("State", .fixed(10), csv: "state"),
            ],
            rows: rows)
    }

    /// The merger what-if: one row per guideline, each with the parties, period, merged share,
    /// HHI before and after on both bounds, ΔHHI and the verdict.
    public static func merger<Target>(_ m: MergerAnalysis) -> DataTable<Target> {
        let parties = m.parties.joined(separator: " + ")
        let rows = m.verdicts.map { v -> DataTable<Target>.Row in
            let style: Emphasis = v.severity == .concern ? .warning : v.severity == .watch ? .accent : .good
            return DataTable<Target>.Row(id: v.guideline.rawValue, cells: [
                .name(m.period.description), .name(parties),
                .number(m.mergedShare, NumberFormat.percent(m.mergedShare)),
                .number(m.boundsBefore.lower, NumberFormat.grouped(m.boundsBefore.lower, decimals: 1)),
                .number(m.boundsBefore.upper, NumberFormat.grouped(m.boundsBefore.upper, decimals: 1)),
                .number(m.boundsAfter.lower, NumberFormat.grouped(m.boundsAfter.lower, decimals: 1)),
                .number(m.boundsAfter.upper, NumberFormat.grouped(m.boundsAfter.upper, decimals: 1)),
                .number(m.deltaHHI, NumberFormat.grouped(m.deltaHHI, decimals: 1)),
                .name(v.guideline.shortTitle),
                DataTable<Target>.Cell(["clear", "watch", "concern"][v.severity.rawValue], style: style,
                                       sort: .number(Double(v.severity.rawValue))),
                DataTable<Target>.Cell((v.severity == .clear ? "" : "! ") + v.finding, style: style,
                                       sort: .text(v.finding), csv: v.finding),
                .name(v.threshold), .name(v.guideline.date),
            ], detail: ["\(v.guideline.title) (\(v.guideline.issuer), \(v.guideline.date)): \(v.guideline.ruleText)"])
        }
        // A verdict or a threshold is never cut: the columns are as wide as their longest text, and
        // on a narrow screen the threshold goes whole (the selected row's is on the status line).
        let finding = min(70, max(20, (rows.map { DisplayWidth.of($0.cells[10].text) }.max() ?? 0)))
        let threshold = min(60, max(10, (rows.map { DisplayWidth.of($0.cells[11].text) }.max() ?? 0)))
        return DataTable(
            title: "What-if: " + parties,
            columns: [
                .init("Period", .fixed(7), csv: "period", onScreen: false),
                .init("Parties", .flexible(min: 10, max: 60), csv: "parties", onScreen: false),
                .init("Merged", .fixed(7), .right, csv: "merged_share", onScreen: false),
                .init("HHI before", .fixed(9), .right, csv: "hhi_before_lower", onScreen: false),
                .init("before upper", .fixed(9), .right, csv: "hhi_before_upper", onScreen: false),
                .init("HHI after", .fixed(9), .right, csv: "hhi_after_lower", onScreen: false),
                .init("after upper", .fixed(9), .right, csv: "hhi_after_upper", onScreen: false),
                .init("ΔHHI", .fixed(7), .right, csv: "delta_hhi", onScreen: false),
                .init("Guideline", .fixed(10), csv: "guideline"),
                .init("Severity", .fixed(8), csv: "severity", onScreen: false),
                .init("Finding", .flexible(min: finding, max: 70), csv: "finding"),
                .init("Threshold", .flexible(min: threshold, max: 60), csv: "threshold", priority: 1),
                .init("Issued", .fixed(10), csv: "issued", priority: 2),
            ],
            rows: rows)
    }

    /// Banks and their dependence on platforms, on outstanding balances whatever the measure.
    public static func banks<Target>(_ analysis: PeriodAnalysis, currency: OverviewModel.Currency = .cny,
                                     target: (BankDependence) -> Target? = { _ in nil }) -> DataTable<Target> {
        let rate = analysis.exchangeRate?.usdCNY
        let capState = ColendingCap.state(on: analysis.period.endDate)
        func percent(_ value: Double?, over: Bool, cap: ColendingCap) -> DataTable<Target>.Cell {
            OverviewModel.percentCell(value, over: over, state: capState, cap: cap.limit)
        }
        let rows = analysis.banks.map { b -> DataTable<Target>.Row in
            let usd = rate.map { b.platformSourcedCNY / $0 }
            let over = b.partnersOverCap
            return DataTable<Target>.Row(id: b.bank, cells: [
                .name(b.bank), DataTable<Target>.Cell(b.profile?.type ?? "", sort: .text(b.profile?.type ?? ""),
                                                      short: TypeCode.code(b.profile?.type ?? "")),
                DataTable<Target>.Cell(b.profile?.onlineOnly == true ? "yes" : "", sort: .text(b.profile?.onlineOnly == true ? "yes" : ""),
                                       csv: b.profile.map { $0.onlineOnly ? "true" : "false" } ?? ""),
                .number(b.platformSourcedCNY, NumberFormat.billions(b.platformSourcedCNY, decimals: 2),
                        csvValue: b.platformSourcedCNY / 1e9),
                .number(usd, usd.map { NumberFormat.billions($0, decimals: 2) } ?? "n/a", csvValue: usd.map { $0 / 1e9 }),
                .name(b.topPartner),
                .number(b.topPartnerShare, NumberFormat.percent(b.topPartnerShare, decimals: 1)),
                .number(b.partnerHHI, NumberFormat.grouped(b.partnerHHI, decimals: 0)),
                percent(b.maxExposureToTier1, over: !over.isEmpty, cap: .singlePartner),
                .number(Double(over.count), over.isEmpty ? "" : String(over.count)),
                DataTable<Target>.Cell(over.joined(separator: "; "), sort: .text(over.joined(separator: "; "))),
                percent(b.colendingToTotalLoans, over: b.breachesAggregateCap, cap: .aggregate),
            ], target: target(b))
        }
        return DataTable(
            title: "Banks, \(analysis.period)",
            columns: [
                .init("Bank", .flexible(min: 20, max: 40), csv: "bank"),
                .init("Type", .flexible(min: 12, max: 18), csv: "type", priority: 3, compact: .fixed(4)),
                .init("Online", .fixed(6), csv: "online_only", onScreen: false), // the type says online-only
                .init(currency == .cny ? "CNY bn" : "CNY bn", .fixed(8), .right, csv: "platform_sourced_cny_bn", onScreen: currency == .cny),
                .init("US$ bn", .fixed(8), .right, csv: "platform_sourced_usd_bn", onScreen: currency == .usd),
                .init("Top partner", .flexible(min: 10, max: 18), csv: "top_partner", priority: 2),
                .init("Top %", .fixed(6), .right, csv: "top_partner_share", priority: 2),
                .init("HHI", .fixed(6), .right, csv: "partner_hhi", priority: 4),
                .init("Exp/T1", .fixed(10), .right, csv: "max_exposure_to_tier1"),
                .init(">25%", .fixed(4), .right, csv: "partners_over_cap", priority: 3),
                .init("Partners over 25%", .flexible(min: 10, max: 60), csv: "partners_over_cap_names", onScreen: false),
                .init("Colend", .fixed(8), .right, csv: "colending_to_total_loans"),
            ],
            rows: rows, defaultSort: (column: 8, descending: true))
    }
}

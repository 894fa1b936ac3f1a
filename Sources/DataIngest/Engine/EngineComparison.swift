import EngineJobs
import MarketAnalytics

/// `loans/` and `engine/` in one directory must agree on the periods both cover: the figures
/// LendScope computes and the engine's are rendered as the same rows (`EngineRows`) and the first
/// row that differs is named at its place in the engine's files.
enum EngineComparison {
    static func firstDifference(loans: LoanFigures, engine: EngineData, directory: DataDirectory) -> Diagnostic? {
        let ours = Set(loans.originations.map(\.period)), theirs = Set(engine.figures.originations.map(\.period))
        let shared = ours.intersection(theirs)
        guard !shared.isEmpty else { return nil }
        let sharedNames = Set(shared.map(\.description))
        if loans.aprThresholds != engine.figures.aprThresholds {
            return Diagnostic(path: directory.enginePath(EngineTable.pricing.rawValue), line: 1, column: 1,
                              message: "its APR thresholds (\(engine.figures.aprThresholds.map(\.description).joined(separator: ", "))) "
                                + "differ from --apr-thresholds (\(loans.aprThresholds.map(\.description).joined(separator: ", ")))")
        }
        for table in EngineTable.allCases {
            switch table {
            case .summary where ours != theirs: continue
            case .stacking where loans.stackingUnavailable != nil: continue
            case .indebtedness where loans.indebtednessUnavailable != nil || engine.figures.indebtednessUnavailable != nil: continue
            default: break
            }
            let keys = EngineRows.keyCount(table)
            func byKey(_ figures: LoanFigures) -> [[String]: [String]] {
                var out: [[String]: [String]] = [:]
                for row in EngineRows.rows(figures, table: table) where table == .summary || sharedNames.contains(row[0]) {
                    out[Array(row.prefix(keys))] = Array(row.dropFirst(keys))
                }
                return out
            }
            let mine = byKey(loans), engines = byKey(engine.figures)
            let all = Set(mine.keys).union(engines.keys).sorted { $0.lexicographicallyPrecedes($1) }
            for key in all where mine[key] != engines[key] {
                let at = engine.locations[table]?[key] ?? (directory.enginePath(table.rawValue), 1)
                let row = key.isEmpty ? "" : " row " + key.joined(separator: ",")
                let given: String = engines[key]?.joined(separator: ",") ?? "no row"
                let computed: String = mine[key]?.joined(separator: ",") ?? "no row"
                let message = "differs from loans/ at \(table.rawValue)\(row): engine gives \(given), loans/ gives \(computed)"
                return Diagnostic(path: at.path, line: at.line, column: 1, message: message)
            }
        }
        return nil
    }

    /// The loan figures with the engine's periods that `loans/` lacks added.
    static func merged(_ loans: LoanFigures, _ engine: LoanFigures) -> LoanFigures {
        var out = loans
        let ours = Set(loans.originations.map(\.period))
        func extra(_ period: Period) -> Bool { !ours.contains(period) }
        out.originations += engine.originations.filter { extra($0.period) }
        for (period, value) in engine.amountByStatus where extra(period) { out.amountByStatus[period] = value }
        if out.stackingUnavailable == nil { for (period, value) in engine.stacking where extra(period) { out.stacking[period] = value } }
        if out.indebtednessUnavailable == nil { for (period, value) in engine.indebtedness where extra(period) { out.indebtedness[period] = value } }
        for (period, value) in engine.terms where extra(period) { out.terms[period] = value }
        return out
    }
}

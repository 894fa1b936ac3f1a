import EngineJobs
import MarketAnalytics

/// Reads the engine tables' part files into loan figures, checking every cell as the loan parser
/// checks a loan row: a bad cell is a diagnostic at its file, line and column, a key given twice
/// is one too, and nothing is summed from a table with a problem.
struct EngineTableReader {
    let directory: DataDirectory
    let granularity: Period.Granularity
    private(set) var diagnostics: [Diagnostic] = []
    private var figures = LoanFigures()
    private var locations: [EngineTable: [[String]: (path: String, line: Int)]] = [:]
    private var originationPeriods = Set<Period>()
    private var loanCount = 0
    private var summary: (rows: Int, platformFunded: Bool)?
    /// The pricing table's thresholds, ascending, each with its column's name as the header writes it.
    private var thresholds: [(threshold: APRThreshold, column: String)]?
    /// Period → the long table's cells of that period end.
    private var longTable: [Period: [[String]: Cell]] = [:]
    /// [period, platform] → the sum of its originations rows, how many, and where the first is.
    private(set) var originationSums: [[String]: (cents: Int64, rows: Int, first: (path: String, line: Int))] = [:]
    /// [period, platform] → pricing's `new_cny` cell.
    private(set) var pricingNewLending: [[String]: (cents: Int64, field: CSVField, path: String)] = [:]
    /// Per (period, platform): the status table's amounts summed, with its first row.
    private(set) var statusSums: [[String]: (cents: Int64, rows: Int, first: (path: String, line: Int))] = [:]

    /// One cell of the long table: its text, its `value` field and its file.
    typealias Cell = (value: String, field: CSVField, path: String)

    init(directory: DataDirectory, granularity: Period.Granularity) {
        self.directory = directory
        self.granularity = granularity
    }

    mutating func read(_ table: EngineTable, parts: [String]) {
        for path in parts {
            let bytes: [UInt8]
            do throws(FileBytes.Failure) {
                bytes = try FileBytes.read(path)
            } catch {
                if case .unreadable(let reason) = error {
                    diagnostics.append(Diagnostic(path: path, line: 1, column: 1, message: reason.hasPrefix("is ") ? reason : "cannot read file: \(reason)"))
                }
                continue
            }
            // An empty part (no rows, no header) is what an engine writes for an empty partition.
            if bytes.isEmpty { continue }
            do throws(Diagnostic) {
                var problems: [Diagnostic] = []
                let csv = try CSVTable(bytes: bytes, path: path, diagnostics: &problems)
                diagnostics += problems
                guard csv.require(table.columns, diagnostics: &diagnostics) else { continue }
                if table == .pricing { try readThresholds(csv) }
                for record in csv.rows {
                    do throws(Diagnostic) { try read(record, of: table, in: csv) } catch { diagnostics.append(error) }
                    if diagnostics.count > 50 { return }
                }
            } catch {
                diagnostics.append(error)
            }
        }
    }

    private mutating func readThresholds(_ csv: CSVTable) throws(Diagnostic) {
        let names = csv.header.sorted { $0.value < $1.value }.map(\.key).filter { $0.hasPrefix("above_apr_") }
        var found: [(threshold: APRThreshold, column: String)] = []
        for name in names {
            guard name.hasSuffix("_cny"),
                  let threshold = APRThreshold(percent: String(name.dropFirst("above_apr_".count).dropLast("_cny".count))) else {
                throw Diagnostic(path: csv.path, line: 1, column: csv.header[name]! + 1,
                                 message: "column '\(name)': not above_apr_<percent>_cny")
            }
            if found.contains(where: { $0.threshold == threshold }) {
                throw Diagnostic(path: csv.path, line: 1, column: csv.header[name]! + 1,
                                 message: "column '\(name)': the same threshold as another column")
            }
            found.append((threshold, name))
        }
        found.sort { $0.threshold.billionths < $1.threshold.billionths }
        if let thresholds, thresholds.map(\.threshold) != found.map(\.threshold) {
            throw Diagnostic(path: csv.path, line: 1, column: 1, message: "its APR thresholds differ from the other part files'")
        }
        thresholds = found
    }

    private mutating func read(_ record: CSVRecord, of table: EngineTable, in csv: CSVTable) throws(Diagnostic) {
        func value(_ column: String) -> CSVField { csv.field(record, column)! }
        func remember(_ key: [String]) throws(Diagnostic) {
            if let earlier = locations[table]?[key] {
                throw csv.diagnostic(value(table.columns[0]), "the same row as \(earlier.path):\(earlier.line) (\(key.joined(separator: ", ")))")
            }
            locations[table, default: [:]][key] = (csv.path, record.line)
        }
        switch table {
        case .originations:
            let period = try self.period(record, csv)
            let platform = try csv.name(record, "platform"), bank = try csv.name(record, "bank")
            try remember([period.description, platform, bank])
            let loans = try count(value("loans"), csv), amount = try cents(value("amount_cny"), csv)
            try Self.checkLoans(loans, "loans", amount: amount, "amount_cny", record, csv)
            let (sum, overflow) = loanCount.addingReportingOverflow(loans)
            guard !overflow else { throw csv.diagnostic(value("loans"), "the loans of the table sum past 64 bits") }
            loanCount = sum
            let key = [period.description, platform]
            let lent = originationSums[key] ?? (0, 0, (csv.path, record.line))
            let (total, past) = lent.cents.addingReportingOverflow(amount)
            guard !past else { throw csv.diagnostic(value("amount_cny"), "the new lending of \(period), \(platform) sums past 64-bit fen") }
            originationSums[key] = (total, lent.rows + 1, lent.first)
            originationPeriods.insert(period)
            figures.originations.append(BalanceRecord(period: period, platform: platform, bank: bank,
                                                      balanceCNY: Double(amount) / 100,
                                                      provenance: .derived, source: "engine tables"))
        case .status:
            let period = try self.period(record, csv)
            let platform = try csv.name(record, "platform")
            guard let status = LoanStatus(rawValue: value("status").value) else {
                throw csv.diagnostic(value("status"), "column 'status': '\(value("status").value)' is not "
                    + LoanStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            try remember([period.description, platform, status.rawValue])
            let amount = try cents(value("amount_cny"), csv)
            figures.amountByStatus[period, default: [:]][platform, default: [:]][status] = Double(amount) / 100
            let key = [period.description, platform]
            let sum = statusSums[key] ?? (0, 0, (csv.path, record.line))
            let (total, past) = sum.cents.addingReportingOverflow(amount)
            guard !past else { throw csv.diagnostic(value("amount_cny"), "the amounts of \(period), \(platform) sum past 64-bit fen") }
            statusSums[key] = (total, sum.rows + 1, sum.first)
        case .stacking:
            let period = try self.period(record, csv)
            try remember([period.description])
            let borrowers = try count(value("borrowers"), csv)
            let two = try count(value("multi_platform_2"), csv), three = try count(value("multi_platform_3"), csv)
            guard three <= two, two <= borrowers else {
                throw csv.diagnostic(value("multi_platform_2"), "borrowers on 3+ groups exceed those on 2+, or those on 2+ all borrowers")
            }
            figures.stacking[period] = StackingFigures(
                borrowers: borrowers, multiPlatform2: two, multiPlatform3: three,
                amountMultiPlatform2: Double(try cents(value("amount_multi_platform_2_cny"), csv)) / 100,
                amountMultiPlatform3: Double(try cents(value("amount_multi_platform_3_cny"), csv)) / 100)
        case .indebtedness:
            let period = try self.period(record, csv)
            let name = value("table").value
            let a = value("a").value.isEmpty ? "" : try csv.name(record, "a")
            let b = value("b").value.isEmpty ? "" : try csv.name(record, "b")
            if name == "overlap" {
                guard !a.isEmpty, !b.isEmpty, a != b else { throw csv.diagnostic(value("a"), "an overlap row names two different groups, a and b") }
            } else if !b.isEmpty {
                throw csv.diagnostic(value("b"), "column 'b': only overlap rows have a second group")
            }
            // A pair is one cell whichever way round it is written.
            let key = name == "overlap" && b < a ? [name, b, a] : [name, a, b]
            try remember([period.description] + key)
            longTable[period, default: [:]][key] = (value("value").value, value("value"), csv.path)
        case .pricing:
            let period = try self.period(record, csv)
            let platform = try csv.name(record, "platform")
            try remember([period.description, platform])
            let above = try (thresholds ?? []).map { entry throws(Diagnostic) -> Int64 in try cents(value(entry.column), csv) }
            let newCents = try cents(value("new_cny"), csv)
            var pairs: [(loans: Int, cents: Int64)] = []
            for (loans, amount) in [("cofunded_loans", "cofunded_cny"), ("below_floor_loans", "below_floor_cny"),
                                    ("in_force_below_loans", "in_force_below_cny")] {
                pairs.append((try count(value(loans), csv), try cents(value(amount), csv)))
                try Self.checkLoans(pairs.last!.loans, loans, amount: pairs.last!.cents, amount, record, csv)
            }
            pricingNewLending[[period.description, platform]] = (newCents, value("new_cny"), csv.path)
            figures.terms[period, default: [:]][platform] = LendingTerms(
                newCents: newCents, aboveCents: above,
                cofundedLoans: pairs[0].loans, cofundedCents: pairs[0].cents,
                belowFloorLoans: pairs[1].loans, belowFloorCents: pairs[1].cents,
                inForceBelowLoans: pairs[2].loans, inForceBelowCents: pairs[2].cents,
                fundedStatedLoans: try count(value("funded_stated_loans"), csv))
        case .summary:
            try remember([])
            let flag = value("platform_funded_column")
            guard flag.value == "true" || flag.value == "false" else {
                throw csv.diagnostic(flag, "column 'platform_funded_column': '\(flag.value)' is not true or false")
            }
            summary = (try count(value("loans"), csv), flag.value == "true")
        }
    }

    private func period(_ record: CSVRecord, _ csv: CSVTable) throws(Diagnostic) -> Period {
        let period = try csv.period(record)
        if period.granularity != granularity {
            throw csv.diagnostic(csv.field(record, "period")!, "column 'period': \(period) does not match the directory's periods (\(granularity.rawValue)s)")
        }
        return period
    }

    private func count(_ field: CSVField, _ csv: CSVTable) throws(Diagnostic) -> Int {
        guard !field.value.isEmpty, field.value.utf8.count <= 18, field.value.utf8.allSatisfy({ (48...57).contains($0) }),
              let value = Int(field.value) else {
            throw csv.diagnostic(field, "'\(field.value)' is not a count (a whole number)")
        }
        return value
    }

    /// Yuan with at most two decimals, as exact fen.
    private func cents(_ field: CSVField, _ csv: CSVTable) throws(Diagnostic) -> Int64 {
        let parts = field.value.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].utf8.allSatisfy({ (48...57).contains($0) }),
              parts.count == 1 || (1...2).contains(parts[1].utf8.count) && parts[1].utf8.allSatisfy({ (48...57).contains($0) }),
              let whole = Int64(parts[0]) else {
            throw csv.diagnostic(field, "'\(field.value)' is not yuan with at most two decimals")
        }
        let fraction = parts.count == 2 ? Int64(parts[1])! * (parts[1].utf8.count == 1 ? 10 : 1) : 0
        let (scaled, over1) = whole.multipliedReportingOverflow(by: 100)
        let (total, over2) = scaled.addingReportingOverflow(fraction)
        guard !over1, !over2 else { throw csv.diagnostic(field, "'\(field.value)' is too large for 64-bit fen") }
        return total
    }

    /// The figures, once every table has been read without a problem.
    mutating func finish() -> (EngineData?, [Diagnostic]) {
        // In the order LendScope's own aggregate has (period, then platform and bank by bytes), so that
        // every sum of doubles over them adds in the same order and gives the same last digit.
        figures.originations.sort {
            if $0.period != $1.period { return $0.period < $1.period }
            if $0.platform != $1.platform { return Array($0.platform.utf8).lexicographicallyPrecedes(Array($1.platform.utf8)) }
            return Array($0.bank.utf8).lexicographicallyPrecedes(Array($1.bank.utf8))
        }
        figures.rows = summary?.rows ?? loanCount
        figures.hasPlatformFunded = summary?.platformFunded ?? figures.terms.values.contains { $0.values.contains { $0.fundedStatedLoans > 0 } }
        figures.aprThresholds = thresholds?.map(\.threshold) ?? []
        var problems: [Diagnostic] = []
        // Every figure of new lending belongs to a period and platform with new loans.
        let lent = Set(figures.originations.map { [$0.period.description, $0.platform] })
        for table in [EngineTable.status, .stacking, .pricing] {
            for (key, at) in (locations[table] ?? [:]).sorted(by: { ($0.value.path, $0.value.line) < ($1.value.path, $1.value.line) }) {
                let covered = table == .stacking ? originationPeriods.contains(where: { $0.description == key[0] }) : lent.contains(Array(key.prefix(2)))
                if !covered {
                    problems.append(Diagnostic(path: at.path, line: at.line, column: 1, message: "\(key.prefix(2).joined(separator: ", ")) "
                        + "has no new loans in engine/originations"))
                    break
                }
            }
        }
        problems += newLendingProblems()
        let folder = directory.enginePath(EngineTable.indebtedness.rawValue)
        var groups = Set<String>()
        for period in originationPeriods.sorted() {
            guard let cells = longTable[period] else {
                problems.append(Diagnostic(path: folder, line: 1, column: 1,
                                           message: "no rows for \(period), a period with new loans (every period end has figures)"))
                continue
            }
            do throws(Diagnostic) {
                let f = try indebtedness(at: period, cells, folder: folder)
                problems += Self.indebtednessProblems(f, cells)
                groups.formUnion(f.borrowersByGroup.keys)
                figures.indebtedness[period] = f
            } catch {
                problems.append(error)
            }
        }
        for period in Set(longTable.keys).subtracting(originationPeriods).sorted() {
            let first = longTable[period]!.values.min { $0.field.line < $1.field.line }!
            problems.append(Diagnostic(path: first.path, line: first.field.line, column: 1,
                                       message: "\(period) has no new loans in engine/originations: no period end there"))
        }
        if !problems.isEmpty { return (nil, problems.sorted()) }
        if groups.count > Indebtedness.maximumGroups {
            figures.indebtedness = [:]
            figures.indebtednessUnavailable = Indebtedness.Failure.tooManyGroups(groups.count).description
        }
        return (EngineData(figures: figures, locations: locations), [])
    }

    /// One period end's figures from its long-table cells; every cell checked, none missing.
    private func indebtedness(at period: Period, _ cells: [[String]: Cell], folder: String) throws(Diagnostic) -> IndebtednessFigures {
        var used = Set<[String]>()
        func cell(_ table: String, _ a: String = "", _ b: String = "") throws(Diagnostic) -> Cell? {
            used.insert([table, a, b])
            return cells[[table, a, b]]
        }
        func required(_ table: String, _ a: String = "") throws(Diagnostic) -> Cell {
            guard let found = try cell(table, a) else {
                throw Diagnostic(path: folder, line: 1, column: 1, message: "\(period): no \(table)\(a.isEmpty ? "" : " " + a) row")
            }
            return found
        }
        func number(_ c: Cell) throws(Diagnostic) -> Int {
            guard !c.value.isEmpty, c.value.utf8.count <= 18, c.value.utf8.allSatisfy({ (48...57).contains($0) }), let n = Int(c.value) else {
                throw Diagnostic(path: c.path, line: c.field.line, column: c.field.column, message: "'\(c.value)' is not a count (a whole number)")
            }
            return n
        }
        func money(_ c: Cell) throws(Diagnostic) -> Int64 {
            let parts = c.value.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[1].utf8.count == 2, !parts[0].isEmpty,
                  (parts[0] + parts[1]).utf8.allSatisfy({ (48...57).contains($0) }),
                  let whole = Int64(parts[0]), whole < Int64.max / 100 else {
                throw Diagnostic(path: c.path, line: c.field.line, column: c.field.column,
                                 message: "'\(c.value)' is not yuan with two decimals")
            }
            return whole * 100 + Int64(parts[1])!
        }
        func percentiles(_ table: String) throws(Diagnostic) -> DebtPercentiles? {
            let found = try ["p50", "p90", "p99", "max"].map { level throws(Diagnostic) in try cell(table, level) }
            if found.allSatisfy({ $0 == nil }) { return nil }
            let values = try found.enumerated().map { index, c throws(Diagnostic) -> Int64 in
                guard let c else {
                    throw Diagnostic(path: folder, line: 1, column: 1, message: "\(period): \(table) lacks \(["p50", "p90", "p99", "max"][index])")
                }
                return try money(c)
            }
            return DebtPercentiles(p50: values[0], p90: values[1], p99: values[2], max: values[3])
        }
        let borrowers = try number(try required("borrowers"))
        let byGroups = try IndebtednessFigures.classNames.map { name throws(Diagnostic) in try number(try required("by_groups", name)) }
        let amounts = try IndebtednessFigures.classNames.map { name throws(Diagnostic) in try money(try required("amount_by_groups", name)) }
        var perGroup: [String: Int] = [:]
        var overlap: [IndebtednessFigures.Overlap] = []
        for (key, c) in cells {
            switch key[0] {
            case "group_borrowers":
                used.insert(key)
                perGroup[key[1]] = try number(c)
            case "overlap":
                used.insert(key)
                overlap.append(.init(a: key[1], b: key[2], borrowers: try number(c)))
            default:
                continue
            }
        }
        overlap.sort { ($0.a, $0.b) < ($1.a, $1.b) }
        let debtAll = try percentiles("debt_all"), debtMulti = try percentiles("debt_multi")
        let badSingle = try money(try required("bad_amount", "single")), badMulti = try money(try required("bad_amount", "multi"))
        if let unknown = cells.filter({ !used.contains($0.key) }).min(by: { $0.value.field.line < $1.value.field.line }) {
            throw Diagnostic(path: unknown.value.path, line: unknown.value.field.line, column: 1,
                             message: "unknown row '\(unknown.key.joined(separator: ","))' of the long table")
        }
        return IndebtednessFigures(asOf: period.endDate, borrowers: borrowers, byGroups: byGroups, amountByGroupsCents: amounts,
                                   overlap: overlap, borrowersByGroup: perGroup, debtAll: debtAll, debtMulti: debtMulti,
                                   badSingleCents: badSingle, badMultiCents: badMulti)
    }
}

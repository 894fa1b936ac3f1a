import MarketAnalytics

/// Turns the bytes of a data directory's files into a `MarketDataset`, or into every
/// problem found. Works on bytes already read, so tests feed it inline fixtures.
public struct DatasetValidator {
    let directory: DataDirectory
    /// File name → contents; absent optional files are simply not there.
    let sources: [String: [UInt8]]
    private var diagnostics: [Diagnostic] = []

    public init(directory: DataDirectory, sources: [String: [UInt8]]) {
        self.directory = directory
        self.sources = sources
    }

    public func validate() throws(IngestFailure) -> MarketDataset {
        var copy = self
        return try copy.run()
    }

    private mutating func run() throws(IngestFailure) -> MarketDataset {
        let (platforms, listedPlatforms) = readPlatforms()
        let (banks, listedBanks) = readBanks()
        // A bank whose row has an error is still listed: its rows in balances.csv are not knock-on errors.
        let balances = readBalances(knownPlatforms: listedPlatforms, knownBanks: listedBanks)
        let market = readMarket()
        let rates = readRates()
        checkGranularity(balances: balances, market: market)
        checkTotals(balances: balances, market: market, groupOf: platforms ?? [:])
        checkOwners(banks: banks ?? [], balances: balances, groupOf: platforms ?? [:])
        checkBankPeriods(banks: banks ?? [], balances: balances, market: market)
        let related = readRelatedParties(groupOf: platforms ?? [:], balances: balances,
                                         banks: listedBanks ?? Set(balances.map(\.record.bank)))
        if !diagnostics.isEmpty {
            throw IngestFailure(diagnostics.sorted())
        }
        return MarketDataset(
            balances: balances.map(\.record),
            marketTotals: market.map(\.total),
            exchangeRates: rates,
            groupOfPlatform: platforms ?? [:],
            banks: banks?.map(\.profile) ?? [],
            relatedParties: related
        )
    }

    // MARK: Files

    private mutating func table(_ name: String) -> CSVTable? {
        guard let bytes = sources[name] else { return nil }
        do {
            return try CSVTable(bytes: bytes, path: directory.displayPath(name), diagnostics: &diagnostics)
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    private mutating func each(_ table: CSVTable, _ body: (CSVRecord) throws(Diagnostic) -> Void) {
        for row in table.rows {
            do { try body(row) } catch { diagnostics.append(error) }
        }
    }

    struct LocatedBalance {
        var record: BalanceRecord
        var line: Int
        var balanceField: CSVField
        var periodField: CSVField
        /// The `total_flag` cell, when the file has the column.
        var totalFlagField: CSVField?
    }

    private mutating func readBalances(knownPlatforms: Set<String>?, knownBanks: Set<String>?) -> [LocatedBalance] {
        guard let table = table(DataDirectory.balancesFile) else {
            if sources[DataDirectory.balancesFile] == nil {
                diagnostics.append(Diagnostic(path: directory.displayPath(DataDirectory.balancesFile), line: 1, column: 1,
                                              message: "required file is missing"))
            }
            return []
        }
        let hasColumns = table.require(["period", "platform", "bank"], diagnostics: &diagnostics)
        let amount = table.amountColumn("balance", required: true, diagnostics: &diagnostics)
        guard hasColumns, let amount else { return [] }
        // One rule for check, report and the dashboard: a directory without balances has nothing to show.
        if table.rows.isEmpty && !diagnostics.contains(where: { $0.path == table.path }) {
            diagnostics.append(Diagnostic(path: table.path, line: 1, column: 1, message: "no balance rows: the file has only its header"))
            return []
        }
        var result: [LocatedBalance] = []
        var firstLine: [String: Int] = [:]
        each(table) { row throws(Diagnostic) in
            let period = try table.period(row)
            let platform = try table.name(row, "platform")
            let bank = try table.name(row, "bank")
            let balance = try table.amount(row, amount)
            let flag = try table.flag(row)
            let totalFlag = try table.optionalFlag(row, "total_flag")
            let source = try table.text(row, "source")
            if let known = knownPlatforms, !known.contains(platform) {
                throw table.diagnostic(table.field(row, "platform")!,
                                       "column 'platform': '\(platform)' is not listed in \(DataDirectory.platformsFile)")
            }
            if let known = knownBanks, !known.contains(bank) {
                throw table.diagnostic(table.field(row, "bank")!,
                                       "column 'bank': '\(bank)' is not listed in \(DataDirectory.banksFile)")
            }
            let key = "\(period)\u{0}\(platform)\u{0}\(bank)"
            if let earlier = firstLine[key] {
                throw Diagnostic(path: table.path, line: row.line, column: 1,
                                 message: "duplicate row for (\(period), \(platform), \(bank)): first given at line \(earlier)")
            }
            firstLine[key] = row.line
            result.append(LocatedBalance(
                record: BalanceRecord(period: period, platform: platform, bank: bank, balanceCNY: balance,
                                      provenance: flag, totalProvenance: totalFlag, source: source),
                line: row.line, balanceField: row.fields[amount.index], periodField: table.field(row, "period")!,
                totalFlagField: table.field(row, "total_flag")))
        }
        // A platform's total has one flag in a period: given on every row of it, or on none
        // (else the group would silently fall back to its split's flag).
        var firstWith: [String: (line: Int, flag: Provenance?)] = [:]
        for located in result where located.totalFlagField != nil {
            let key = "\(located.record.period)\u{0}\(located.record.platform)"
            let flag = located.record.totalProvenance
            guard let first = firstWith[key] else {
                firstWith[key] = (located.line, flag)
                continue
            }
            if let a = first.flag, let b = flag, a != b {
                diagnostics.append(table.diagnostic(located.totalFlagField!,
                    "column 'total_flag': '\(b.rawValue)' here but '\(a.rawValue)' at line \(first.line) for "
                    + "(\(located.record.period), \(located.record.platform)): a platform's total has one flag in a period"))
            } else if (first.flag == nil) != (flag == nil) {
                diagnostics.append(table.diagnostic(located.totalFlagField!,
                    "column 'total_flag': \(flag == nil ? "empty" : "given") here but \(first.flag == nil ? "empty" : "given") at line "
                    + "\(first.line) for (\(located.record.period), \(located.record.platform)): give it on every row of a "
                    + "platform's period or on none"))
                firstWith[key] = (located.line, first.flag) // one error per row that differs
            }
        }
        return result
    }

    struct LocatedTotal {
        var total: MarketTotal
        var totalField: CSVField
        var periodField: CSVField
    }

    private mutating func readMarket() -> [LocatedTotal] {
        guard let table = table(DataDirectory.marketFile) else { return [] }
        let hasColumns = table.require(["period", "definition"], diagnostics: &diagnostics)
        let amount = table.amountColumn("total", required: true, diagnostics: &diagnostics)
        guard hasColumns, let amount else { return [] }
        var result: [LocatedTotal] = []
        var firstLine: [String: Int] = [:]
        each(table) { row throws(Diagnostic) in
            let period = try table.period(row)
            let definition = try table.name(row, "definition")
            let total = try table.amount(row, amount)
            if total == 0 {
                throw table.diagnostic(row.fields[amount.index], "column '\(amount.name)': a market total must be positive")
            }
            // Optional: what the total counts. Balances unless it says new lending.
            var measure = Measure.balances
            if let field = table.field(row, "measure"), !field.value.isEmpty {
                guard let value = Measure(rawValue: field.value) else {
                    throw table.diagnostic(field, "column 'measure': '\(field.value)' is not a measure (use balances or originations)")
                }
                measure = value
            }
            // Optional: the largest share any unreported lender may hold (a fraction, 0 < x ≤ 1).
            var largest: Double?
            if let field = table.field(row, "largest_unreported_share"), !field.value.isEmpty {
                switch PlainDecimal.parse(field.value) {
                case .success(let value) where value >= 0.000001 && value <= 1:
                    largest = value
                case .success:
                    throw table.diagnostic(field, "column 'largest_unreported_share': '\(field.value.prefix(24))' is not a fraction "
                                           + "from 0.000001 to 1 (write 5% as 0.05)")
                case .failure(let problem):
                    throw table.diagnostic(field, "column 'largest_unreported_share': \(problem.describe(field.value))")
                }
            }
            let flag = try table.flag(row)
            let source = try table.text(row, "source")
            let key = "\(period)\u{0}\(definition)\u{0}\(measure.rawValue)"
            if let earlier = firstLine[key] {
                let what = measure == .balances ? "" : ", \(measure.rawValue)"
                throw Diagnostic(path: table.path, line: row.line, column: 1,
                                 message: "duplicate row for (\(period), \(definition)\(what)): first given at line \(earlier)")
            }
            firstLine[key] = row.line
            result.append(LocatedTotal(
                total: MarketTotal(period: period, definition: definition, measure: measure, totalCNY: total,
                                   largestUnreportedShare: largest, provenance: flag, source: source),
                totalField: row.fields[amount.index], periodField: table.field(row, "period")!))
        }
        return result
    }

    private mutating func readRates() -> [ExchangeRate] {
        guard let table = table(DataDirectory.fxFile) else { return [] }
        guard table.require(["date", "usd_cny"], diagnostics: &diagnostics) else { return [] }
        var result: [ExchangeRate] = []
        var firstLine: [CalendarDate: Int] = [:]
        each(table) { row throws(Diagnostic) in
            let dateField = table.field(row, "date")!
            guard let date = CalendarDate(iso: dateField.value) else {
                throw table.diagnostic(dateField, "column 'date': '\(dateField.value)' is not a date (use YYYY-MM-DD)")
            }
            let rateField = table.field(row, "usd_cny")!
            let rate: Double
            switch PlainDecimal.parse(rateField.value) {
            case .success(let value): rate = value
            case .failure(let problem): throw table.diagnostic(rateField, "column 'usd_cny': \(problem.describe(rateField.value))")
            }
            guard rate > 0 else {
                throw table.diagnostic(rateField, "column 'usd_cny': an exchange rate must be positive")
            }
            guard PlainDecimal.exchangeRates.contains(rate),
                  !(rate == PlainDecimal.exchangeRates.upperBound && PlainDecimal.exceeds(rateField.value, exponent: 0, limit: 1_000)) else {
                throw table.diagnostic(rateField, "column 'usd_cny': '\(rateField.value)' is outside the rates accepted "
                                       + "(0.01 to 1,000 yuan per US dollar)")
            }
            if let earlier = firstLine[date] {
                throw Diagnostic(path: table.path, line: row.line, column: 1,
                                 message: "duplicate rate for \(date): first given at line \(earlier)")
            }
            firstLine[date] = row.line
            result.append(ExchangeRate(date: date, usdCNY: rate, basis: try table.text(row, "basis"),
                                       provenance: try table.flag(row), source: try table.text(row, "source")))
        }
        return result
    }

    /// Platform → group, and every platform name the file lists (rows with errors included, so that
    /// their balances are not knock-on "not listed" errors); nil without platforms.csv.
    private mutating func readPlatforms() -> ([String: String]?, Set<String>?) {
        guard let table = table(DataDirectory.platformsFile) else { return (nil, nil) }
        guard table.require(["platform", "group"], diagnostics: &diagnostics) else { return (nil, nil) }
        var groups: [String: String] = [:]
        var listed = Set<String>()
        var firstLine: [String: Int] = [:]
        each(table) { row throws(Diagnostic) in
            if let raw = table.field(row, "platform")?.value { listed.insert(TextNormalization.nfc(raw)) }
            let platform = try table.name(row, "platform")
            let group = try table.name(row, "group")
            _ = try table.flag(row)
            _ = try table.text(row, "source")
            if let earlier = firstLine[platform] {
                throw Diagnostic(path: table.path, line: row.line, column: 1,
                                 message: "platform '\(platform)' is listed twice: first at line \(earlier)")
            }
            firstLine[platform] = row.line
            groups[platform] = group
        }
        for raw in table.malformedValues("platform") { listed.insert(TextNormalization.nfc(raw)) }
        return (groups, listed)
    }

    struct LocatedBank {
        var profile: BankProfile
        var ownerField: CSVField?
        /// The `period` cell of each dated figure row, in file order.
        var periodFields: [CSVField] = []
    }

    /// The banks, and every name the file lists (rows with errors included); nil without banks.csv.
    ///
    /// With a `period` column a bank may have one row per period: a dated row gives its capital
    /// and total loans from that period on; an undated row serves the periods before its first
    /// dated row. The bank's other columns (type, region, online_only, owner_group) are one fact
    /// about the bank and must read the same on every row.
    private mutating func readBanks() -> ([LocatedBank]?, Set<String>?) {
        guard let table = table(DataDirectory.banksFile) else { return (nil, nil) }
        let hasColumns = table.require(["bank", "type", "region", "online_only"], diagnostics: &diagnostics)
        let tier1 = table.amountColumn("tier1_capital", required: true, diagnostics: &diagnostics)
        let loans = table.amountColumn("total_loans", required: true, diagnostics: &diagnostics)
        guard hasColumns, let tier1, let loans else { return (nil, nil) }
        var result: [LocatedBank] = []
        var indexOfBank: [String: Int] = [:]
        var firstLine: [String: (line: Int, type: String, region: String, online: Bool, owner: String?)] = [:]
        var rowOfPeriod: [String: Int] = [:]
        var listed = Set<String>()
        var earlierProblems: [Diagnostic] = []
        defer { diagnostics += earlierProblems }
        each(table) { row throws(Diagnostic) in
            if let raw = table.field(row, "bank")?.value { listed.insert(TextNormalization.nfc(raw)) }
            let bank = try table.name(row, "bank")
            let type = try table.name(row, "type")
            let region = try table.text(row, "region")
            // Only an empty capital or loans cell means "not known" (the matching cap is then not
            // computed); zero is not "unknown" but impossible for a lending bank, and would hide a breach.
            // The figures are checked one by one, so a row with several problems reports them all.
            var rowProblems: [Diagnostic] = []
            func checked<T>(_ body: () throws(Diagnostic) -> T?) -> T? {
                do { return try body() } catch { rowProblems.append(error); return nil }
            }
            let tier1Value = checked { () throws(Diagnostic) in
                row.fields[tier1.index].value.isEmpty ? nil : try table.positiveAmount(row, tier1)
            }
            let loansValue = checked { () throws(Diagnostic) in
                row.fields[loans.index].value.isEmpty ? nil : try table.positiveAmount(row, loans)
            }
            let periodField = table.field(row, "period")
            let period = checked { () throws(Diagnostic) -> Period? in
                guard let periodField, !periodField.value.isEmpty else { return nil }
                return try table.period(row)
            }
            let onlineField = table.field(row, "online_only")!
            var online = false
            switch onlineField.value.lowercased() {
            case "true", "yes", "1": online = true
            case "false", "no", "0": online = false
            default:
                rowProblems.append(table.diagnostic(onlineField, "column 'online_only': '\(onlineField.value)' is not true or false"))
            }
            if let last = rowProblems.popLast() {
                earlierProblems += rowProblems
                throw last
            }
            let ownerField = table.field(row, "owner_group")
            let owner = (ownerField?.value.isEmpty ?? true) ? nil : try table.name(row, "owner_group")
            let periodKey = "\(bank)\u{0}\(period.map { "\($0)" } ?? "")"
            if let earlier = rowOfPeriod[periodKey] {
                let when = period.map { " for \($0)" } ?? ""
                throw Diagnostic(path: table.path, line: row.line, column: period == nil ? 1 : periodField!.column,
                                 message: "bank '\(bank)' is listed twice\(when): first at line \(earlier)")
            }
            let figureRow = BankFigureRow(period: period, tier1CapitalCNY: tier1Value, totalLoansCNY: loansValue,
                                          provenance: try table.flag(row), source: try table.text(row, "source"))
            if let first = firstLine[bank] {
                // The same bank again, for another period: its standing facts must agree.
                let facts: [(String, String, String)] = [
                    ("type", type, first.type), ("region", region, first.region),
                    ("online_only", online ? "true" : "false", first.online ? "true" : "false"),
                    ("owner_group", owner ?? "", first.owner ?? ""),
                ]
                for (column, here, there) in facts where here != there {
                    throw table.diagnostic(table.field(row, column)!,
                        "column '\(column)': '\(here)' here but '\(there)' at line \(first.line) for bank '\(bank)': "
                        + "a bank's \(column) is the same on every row")
                }
                rowOfPeriod[periodKey] = row.line
                let index = indexOfBank[bank]!
                result[index].profile.figureRows.append(figureRow)
                if period != nil, let periodField { result[index].periodFields.append(periodField) }
                return
            }
            rowOfPeriod[periodKey] = row.line
            firstLine[bank] = (row.line, type, region, online, owner)
            indexOfBank[bank] = result.count
            result.append(LocatedBank(profile: BankProfile(
                bank: bank, type: type, region: region, figureRows: [figureRow],
                onlineOnly: online, ownerGroup: owner, provenance: figureRow.provenance,
                source: figureRow.source), ownerField: owner == nil ? nil : ownerField,
                periodFields: period != nil && periodField != nil ? [periodField!] : []))
        }
        for raw in table.malformedValues("bank") { listed.insert(TextNormalization.nfc(raw)) }
        return (result, listed)
    }

    /// `related_parties.csv`: `party,related_party,relation,source` (and an optional `flag`). Each
    /// name must be a platform group, a platform or a bank of this directory: under the one-hop rule
    /// a name that is none of them links nothing, so it is taken for a typo.
    private mutating func readRelatedParties(groupOf: [String: String], balances: [LocatedBalance],
                                             banks: Set<String>) -> [RelatedPartyLink] {
        guard let table = table(DataDirectory.relatedPartiesFile) else { return [] }
        guard table.require(["party", "related_party", "relation", "source"], diagnostics: &diagnostics) else { return [] }
        let platforms = Set(groupOf.keys).union(balances.map(\.record.platform))
        let groups = Set(groupOf.values).union(balances.map { groupOf[$0.record.platform] ?? $0.record.platform })
        var links: [RelatedPartyLink] = []
        var firstLine: [String: Int] = [:]
        each(table) { row throws(Diagnostic) in
            var names: [String] = []
            for column in ["party", "related_party"] {
                let name = try table.name(row, column)
                guard groups.contains(name) || platforms.contains(name) || banks.contains(name) else {
                    throw table.diagnostic(table.field(row, column)!,
                        "column '\(column)': '\(name)' is not a platform group, platform or bank of this directory")
                }
                names.append(name)
            }
            if names[0] == names[1] {
                throw table.diagnostic(table.field(row, "related_party")!,
                                       "column 'related_party': a party is not related to itself")
            }
            // A platform and its own group are one partner already: such a link counts nothing.
            func group(_ name: String) -> String { groupOf[name] ?? name }
            if !banks.contains(names[0]) && !banks.contains(names[1]) && group(names[0]) == group(names[1]) {
                throw table.diagnostic(table.field(row, "related_party")!,
                                       "column 'related_party': '\(names[0])' and '\(names[1])' are of one group, '\(group(names[0]))': "
                                       + "a link within a group counts nothing")
            }
            let relation = try table.text(row, "relation")
            let source = try table.text(row, "source")
            let flag = try table.flag(row)
            // Relatedness is symmetric: (a, b) and (b, a) are one link.
            let key = names.sorted().joined(separator: "\u{0}")
            if let earlier = firstLine[key] {
                throw Diagnostic(path: table.path, line: row.line, column: 1,
                                 message: "'\(names[0])' and '\(names[1])' are linked twice: first at line \(earlier)")
            }
            firstLine[key] = row.line
            links.append(RelatedPartyLink(party: names[0], relatedParty: names[1], relation: relation,
                                          provenance: flag, source: source))
        }
        return links
    }

    // MARK: Cross-file rules

    /// A bank's dated figures are periods of the directory's granularity.
    private mutating func checkBankPeriods(banks: [LocatedBank], balances: [LocatedBalance], market: [LocatedTotal]) {
        guard let first = balances.first?.record.period ?? market.first?.total.period else { return }
        for bank in banks {
            for (row, field) in zip(bank.profile.figureRows.filter { $0.period != nil }, bank.periodFields)
            where row.period!.granularity != first.granularity {
                diagnostics.append(Diagnostic(
                    path: directory.displayPath(DataDirectory.banksFile), line: field.line, column: field.column,
                    message: "column 'period': \(row.period!.granularity.rawValue) '\(row.period!)' in a directory of "
                        + "\(first.granularity.rawValue)s (write an annual figure as the year's last period)"))
            }
        }
    }

    /// One granularity per directory: the first period seen (balances, then market) sets it.
    private mutating func checkGranularity(balances: [LocatedBalance], market: [LocatedTotal]) {
        let located = balances.map { ($0.record.period, $0.periodField, DataDirectory.balancesFile) }
            + market.map { ($0.total.period, $0.periodField, DataDirectory.marketFile) }
        guard let first = located.first else { return }
        for (period, field, file) in located where period.granularity != first.0.granularity {
            diagnostics.append(Diagnostic(
                path: directory.displayPath(file), line: field.line, column: field.column,
                message: "column 'period': \(period.granularity.rawValue) '\(period)' in a directory of "
                    + "\(first.0.granularity.rawValue)s (first period '\(first.0)' at "
                    + "\(directory.displayPath(first.2)):\(first.1.line):\(first.1.column))"))
        }
    }

    /// A market total can never be smaller than what the reported platforms alone hold.
    private mutating func checkTotals(balances: [LocatedBalance], market: [LocatedTotal], groupOf: [String: String]) {
        var reported: [Period: Double] = [:]
        for balance in balances { reported[balance.record.period, default: 0] += balance.record.balanceCNY }
        for entry in market where entry.total.measure == .balances {
            let sum = reported[entry.total.period] ?? 0
            // A relative tolerance absorbs decimal rounding in files written in billions.
            if entry.total.totalCNY < sum * (1 - 1e-9) {
                diagnostics.append(Diagnostic(
                    path: directory.displayPath(DataDirectory.marketFile), line: entry.totalField.line,
                    column: entry.totalField.column,
                    message: "column 'total': the \(entry.total.period) total for '\(entry.total.definition)' "
                        + "(\(Self.yuan(entry.total.totalCNY))) is below the platform balances reported "
                        + "for that period (\(Self.yuan(sum)))"))
            }
        }
    }

    /// A lending arm's `owner_group` must name a group that exists, or its own funding would be miscounted.
    private mutating func checkOwners(banks: [LocatedBank], balances: [LocatedBalance], groupOf: [String: String]) {
        let groups = Set(balances.map { groupOf[$0.record.platform] ?? $0.record.platform }).union(groupOf.values)
        for bank in banks {
            guard let owner = bank.profile.ownerGroup, let field = bank.ownerField, !groups.contains(owner) else { continue }
            diagnostics.append(Diagnostic(path: directory.displayPath(DataDirectory.banksFile), line: field.line,
                                          column: field.column,
                                          message: "column 'owner_group': '\(owner)' is not a platform group"))
        }
    }

    /// An amount in a message: billions with one decimal, or whole yuan below a billion (so a
    /// small total never reads "CNY 0.0 bn").
    static func yuan(_ value: Double) -> String {
        if value < 1e9 { return "CNY \(Int64(value.rounded())) yuan" }
        let billions = (value / 1e9 * 10).rounded() / 10
        return "CNY \(billions) bn"
    }
}

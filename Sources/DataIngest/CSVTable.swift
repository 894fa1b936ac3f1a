import TerminalText

/// A parsed CSV file whose columns are found by header name, in any order, with helpers
/// that turn fields into typed values or diagnostics naming the column.
struct CSVTable {
    let path: String
    let header: [String: Int]
    let rows: [CSVRecord]
    /// Rows refused for their field count (already reported): kept so that the names they list
    /// still count as listed, and their uses elsewhere are not knock-on errors.
    let malformedRows: [CSVRecord]

    /// - Throws: a diagnostic for an empty file, a duplicate header name, or a row whose
    ///   field count differs from the header's.
    init(bytes: [UInt8], path: String, diagnostics: inout [Diagnostic]) throws(Diagnostic) {
        self.path = path
        // A NUL byte means this is not a text file (a sparse or binary file): say so at once.
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let lineStart = bytes[..<nul].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            throw Diagnostic(path: path, line: line, column: nul - lineStart + 1, message: "NUL byte: not a text file")
        }
        // Classic Mac line endings (CR only) would read as one endless line: say so instead.
        if !bytes.contains(UInt8(ascii: "\n")), bytes.contains(UInt8(ascii: "\r")) {
            throw Diagnostic(path: path, line: 1, column: 1, message: "line endings are CR only: save the file with LF or CRLF line endings")
        }
        let records = try CSVReader.parse(bytes, path: path)
        guard let first = records.first else {
            throw Diagnostic(path: path, line: 1, column: 1, message: "file is empty: a header row is required")
        }
        var header: [String: Int] = [:]
        for (index, field) in first.fields.enumerated() {
            let name = field.value
            if header[name] != nil {
                throw Diagnostic(path: path, line: field.line, column: field.column,
                                 message: "duplicate column '\(name)' in the header")
            }
            header[name] = index
        }
        self.header = header
        var rows: [CSVRecord] = []
        var malformed: [CSVRecord] = []
        for record in records.dropFirst() {
            if record.fields.count != first.fields.count {
                let field = record.fields[min(record.fields.count, first.fields.count) - 1]
                diagnostics.append(Diagnostic(
                    path: path, line: record.line, column: record.fields.count > first.fields.count
                        ? record.fields[first.fields.count].column : field.column,
                    message: "expected \(first.fields.count) fields as in the header, found \(record.fields.count)"))
                malformed.append(record)
                continue
            }
            rows.append(record)
        }
        self.rows = rows
        self.malformedRows = malformed
    }

    /// The raw values of `column` in the rows refused for their field count.
    func malformedValues(_ column: String) -> [String] {
        guard let index = header[column] else { return [] }
        return malformedRows.compactMap { index < $0.fields.count ? $0.fields[index].value : nil }
    }

    func has(_ column: String) -> Bool { header[column] != nil }

    /// Checks that every required column is present; reports each missing one at the header.
    func require(_ columns: [String], diagnostics: inout [Diagnostic]) -> Bool {
        var ok = true
        for column in columns where header[column] == nil {
            diagnostics.append(Diagnostic(path: path, line: 1, column: 1, message: "missing required column '\(column)'"))
            ok = false
        }
        return ok
    }

    /// The amount column for `stem` with its unit multiplier: `stem_cny`, `stem_cny_mn` or `stem_cny_bn`.
    func amountColumn(_ stem: String, required: Bool, diagnostics: inout [Diagnostic]) -> AmountColumn? {
        let candidates = AmountColumn.units.map { (stem + $0.suffix, $0.exponent) }.filter { header[$0.0] != nil }
        if candidates.count > 1 {
            diagnostics.append(Diagnostic(path: path, line: 1, column: 1,
                                          message: "columns \(candidates.map { "'\($0.0)'" }.joined(separator: " and ")) "
                                              + "give the same amount twice: keep one"))
            return nil
        }
        guard let (name, exponent) = candidates.first else {
            if required {
                diagnostics.append(Diagnostic(path: path, line: 1, column: 1,
                                              message: "missing required column '\(stem)_cny' (or '\(stem)_cny_mn', '\(stem)_cny_bn')"))
            }
            return nil
        }
        return AmountColumn(name: name, index: header[name]!, exponent: exponent)
    }

    func field(_ record: CSVRecord, _ column: String) -> CSVField? {
        header[column].map { record.fields[$0] }
    }
}

/// An amount column and the power of ten its unit suffix stands for.
struct AmountColumn {
    static let units: [(suffix: String, exponent: Int)] = [("_cny", 0), ("_cny_mn", 6), ("_cny_bn", 9)]
    let name: String
    let index: Int
    let exponent: Int
}

extension CSVTable {
    func diagnostic(_ field: CSVField, _ message: String) -> Diagnostic {
        Diagnostic(path: path, line: field.line, column: field.column, message: message)
    }

    /// A name (platform, bank, group…): non-empty, NFC-normalised, with no control,
    /// escape, bidirectional or zero-width characters (reported at the offending character).
    func name(_ record: CSVRecord, _ column: String) throws(Diagnostic) -> String {
        guard let field = field(record, column) else { return "" }
        let value = field.value
        if value.isEmpty { throw diagnostic(field, "column '\(column)': empty name") }
        if let (scalar, reason, line, col) = firstUnsafe(field, allowingLineBreaks: false) {
            throw Diagnostic(path: path, line: line, column: col,
                             message: "column '\(column)': \(reason) \(UnsafeScalar.codePoint(scalar)) is not allowed in a name")
        }
        // Any space, not only U+0020: "Alpha" and "Alpha" + a no-break space must not be two names.
        if value.unicodeScalars.first?.properties.isWhitespace == true || value.unicodeScalars.last?.properties.isWhitespace == true {
            throw diagnostic(field, "column '\(column)': leading or trailing space in name '\(value)'")
        }
        if value.utf8.count > CSVTable.longestName {
            throw diagnostic(field, "column '\(column)': a name longer than \(CSVTable.longestName) bytes")
        }
        return TextNormalization.nfc(value)
    }

    /// Free text (source notes): may be empty, but no unsafe characters.
    func text(_ record: CSVRecord, _ column: String) throws(Diagnostic) -> String {
        guard let field = field(record, column) else { return "" }
        if let (scalar, reason, line, col) = firstUnsafe(field, allowingLineBreaks: true) {
            throw Diagnostic(path: path, line: line, column: col,
                             message: "column '\(column)': \(reason) \(UnsafeScalar.codePoint(scalar)) is not allowed")
        }
        return TextNormalization.nfc(field.value)
    }

    /// The first unsafe scalar of a field with its exact line and column in the file.
    func firstUnsafe(_ field: CSVField, allowingLineBreaks: Bool) -> (Unicode.Scalar, String, Int, Int)? {
        var line = field.line
        var col = field.column + (field.quoted ? 1 : 0)
        for scalar in field.value.unicodeScalars {
            let isLineBreak = scalar == "\n" || scalar == "\r"
            if let reason = UnsafeScalar.reason(scalar), !(allowingLineBreaks && isLineBreak) {
                return (scalar, reason, line, col)
            }
            if scalar == "\n" {
                line += 1
                col = 1
            } else {
                col += field.quoted && scalar == "\"" ? 2 : 1
            }
        }
        return nil
    }

    func amount(_ record: CSVRecord, _ column: AmountColumn) throws(Diagnostic) -> Double {
        let field = record.fields[column.index]
        switch PlainDecimal.parse(field.value, exponent: column.exponent) {
        case .success(let value):
            if value < 0 { throw diagnostic(field, "column '\(column.name)': negative amount '\(field.value)'") }
            if value > 0 && value < 0.01 {
                throw diagnostic(field, "column '\(column.name)': '\(field.value.prefix(24))\(field.value.count > 24 ? "…" : "")' "
                                 + "is below one fen (0.01 yuan): not an amount")
            }
            if value > PlainDecimal.maximumYuan
                || (value == PlainDecimal.maximumYuan && PlainDecimal.exceeds(field.value, exponent: column.exponent, limit: PlainDecimal.maximumYuan)) {
                throw diagnostic(field, "column '\(column.name)': '\(field.value.prefix(24))\(field.value.count > 24 ? "…" : "")' "
                                 + "is above the largest amount accepted (CNY 10^15, 1,000 trillion yuan)")
            }
            return value
        case .failure(let problem):
            throw diagnostic(field, "column '\(column.name)': \(problem.describe(field.value))")
        }
    }

    /// An amount that must be above zero (a bank's capital or loans): zero is an error, not "unknown".
    func positiveAmount(_ record: CSVRecord, _ column: AmountColumn) throws(Diagnostic) -> Double {
        let value = try amount(record, column)
        if value == 0 {
            throw diagnostic(record.fields[column.index], "column '\(column.name)': must be above zero "
                             + "(leave the cell empty when it is not known)")
        }
        // A capital or loan book below one yuan is no bank's, and would make ratios overflow.
        if value < 1 {
            throw diagnostic(record.fields[column.index], "column '\(column.name)': below one yuan: not a bank's figure")
        }
        return value
    }

    /// The longest name accepted, in bytes (here and in loan files).
    static let longestName = 1_024

    func period(_ record: CSVRecord, _ column: String = "period") throws(Diagnostic) -> Period {
        let field = field(record, column)!
        guard let period = Period(field.value) else {
            throw diagnostic(field, "column '\(column)': '\(field.value)' is not a period (use YYYYQn or YYYY-MM)")
        }
        return period
    }

    /// An optional flag column (`total_flag`): nil when the column or the cell is empty.
    func optionalFlag(_ record: CSVRecord, _ column: String) throws(Diagnostic) -> Provenance? {
        guard let field = field(record, column), !field.value.isEmpty else { return nil }
        guard let flag = Provenance(rawValue: field.value) else {
            throw diagnostic(field, "column '\(column)': '\(field.value)' is not a flag (use S, R, E or D, or leave it empty)")
        }
        return flag
    }

    func flag(_ record: CSVRecord) throws(Diagnostic) -> Provenance {
        guard let field = field(record, "flag") else { return .sourced }
        guard let flag = Provenance(rawValue: field.value) else {
            throw diagnostic(field, "column 'flag': '\(field.value)' is not a flag (use S, R, E or D)")
        }
        return flag
    }
}

import MarketAnalytics

import MarketAnalytics
import TerminalText
#if canImport(Glibc)
import Glibc
#endif

/// Parses one byte range of a loan file on one thread: rows end at line breaks (found with
/// `memchr`), fields are split on bytes (quote-aware for commas), amounts become integer cents,
/// names are interned once, and results stay local until `commit()` (borrowers go straight to
/// the shared table). A range owns the rows that start inside it.
final class RangeWorker: @unchecked Sendable {
    private let fd: Int32
    private let columns: LoanColumns
    private let granularity: Period.Granularity
    private let accumulator: LoanAccumulator
    private let begin: Int64
    private let end: Int64
    private let alignToRow: Bool
    private let problemLimit: Int

    /// File offsets of the first row parsed and just past the last one.
    private(set) var startedAt: Int64 = 0
    private(set) var endedAt: Int64 = 0
    /// The rows' results, filled in by `run()`.
    private var parsed: RowParser?
    var rows: Int { parsed?.rows ?? 0 }
    /// Line breaks consumed between `startedAt` and `endedAt`.
    var lines: Int { parsed?.lines ?? 0 }
    /// Lines relative to `startedAt` (1 = the first row).
    var problems: [LoanRowProblem] { parsed?.problems ?? [] }
    var firstSeen: [LoanNameSighting] { parsed?.firstSeen ?? [] }
    var problemCount: Int { parsed?.problemCount ?? 0 }

    init(fd: Int32, columns: LoanColumns, granularity: Period.Granularity, accumulator: LoanAccumulator,
         begin: Int64, end: Int64, alignToRow: Bool, problemLimit: Int) {
        self.fd = fd
        self.columns = columns
        self.granularity = granularity
        self.accumulator = accumulator
        self.begin = begin
        self.end = end
        self.alignToRow = alignToRow
        self.problemLimit = problemLimit
    }

    static let chunk = 1 << 20

    func run() {
        // The hot state is a struct in a local variable: mutating a class's stored properties
        // costs a dynamic exclusivity check on every access.
        var parser = RowParser(columns: columns, granularity: granularity, accumulator: accumulator, problemLimit: problemLimit)
        defer { parser.release() }
        var buffer = [UInt8](repeating: 0, count: Self.chunk * 2)
        buffer.withUnsafeMutableBufferPointer { storage in
            let base = storage.baseAddress!
            var filled = 0            // bytes in the buffer
            // A range after the first starts one byte early: if that byte is a line break, the row at
            // `begin` is this range's (the range before stops at rows starting at `begin` or later).
            var bufferOffset = alignToRow ? begin - 1 : begin  // file offset of base[0]
            var eof = false
            func fill() {
                if filled == storage.count { return }
                let count = pread(fd, base + filled, storage.count - filled, off_t(bufferOffset + Int64(filled)))
                if count <= 0 { eof = true } else { filled += count }
            }
            fill()
            var row = 0
            if alignToRow {
                // Start at the first line break after `begin` (confirmed afterwards by the previous range).
                while true {
                    if let newline = (0..<filled).first(where: { base[$0] == UInt8(ascii: "\n") }) { row = newline + 1; break }
                    if eof || filled == storage.count { row = filled; break }
                    fill()
                }
            }
            startedAt = bufferOffset + Int64(row)
            while true {
                if bufferOffset + Int64(row) >= end { break }
                if let newline = memchr(base + row, Int32(UInt8(ascii: "\n")), filled - row) {
                    let at = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    parser.process(base + row, at - row, line: parser.lines + 1)
                    parser.rows += 1
                    parser.lines += 1
                    row = at + 1
                    continue
                }
                if eof {
                    if row < filled { parser.process(base + row, filled - row, line: parser.lines + 1); parser.rows += 1 }
                    row = filled
                    break
                }
                // Keep the unfinished row at the front and read more behind it.
                if row > 0 {
                    memmove(base, base + row, filled - row)
                    filled -= row
                    bufferOffset += Int64(row)
                    row = 0
                }
                if filled == storage.count {
                    // A row longer than the buffer: report it and skip to the next line break.
                    parser.problem(parser.lines + 1, "row longer than \(storage.count) bytes")
                    bufferOffset += Int64(filled)
                    filled = 0
                    while !eof {
                        fill()
                        if let newline = memchr(base, Int32(UInt8(ascii: "\n")), filled) {
                            row = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                            parser.lines += 1
                            break
                        }
                        bufferOffset += Int64(filled)
                        filled = 0
                    }
                    continue
                }
                fill()
            }
            endedAt = bufferOffset + Int64(row)
        }
        parsed = parser
    }

    /// Merges this range's results into the accumulator.
    func commit() {
        guard let parsed else { return }
        accumulator.merge(cells: parsed.cells, status: parsed.statusCents, rows: parsed.rows - parsed.problemCount)
    }

}

/// One thread's parsing state and the per-row work: a value type, so the hot path pays no
/// exclusivity checks and allocates nothing.
struct RowParser {
    let columns: LoanColumns
    let granularity: Period.Granularity
    let accumulator: LoanAccumulator
    let problemLimit: Int
    var rows = 0
    var lines = 0
    var problems: [LoanRowProblem] = []
    /// Where each name was first met in this range (line relative to the range), so that a
    /// name missing from platforms.csv or banks.csv can be reported at its position.
    var firstSeen: [LoanNameSighting] = []
    var problemCount = 0
    var cells = CellTable()
    var statusCents = CellTable(capacity: 256)
    private var platforms = NameCache()
    private var banks = NameCache()
    // Field boundaries of the current row; fixed storage, so the hot loop allocates nothing.
    private let fieldStart = UnsafeMutablePointer<Int>.allocate(capacity: 65)
    private let fieldEnd = UnsafeMutablePointer<Int>.allocate(capacity: 65)
    private let fieldQuoted = UnsafeMutablePointer<Bool>.allocate(capacity: 65)
    /// False for `lendscope aggregate`, which needs no borrowers: it skips the hashing and the table.
    private let trackBorrowers: Bool

    init(columns: LoanColumns, granularity: Period.Granularity, accumulator: LoanAccumulator, problemLimit: Int) {
        self.columns = columns
        self.granularity = granularity
        self.accumulator = accumulator
        self.problemLimit = problemLimit
        trackBorrowers = accumulator.borrowers.capacity > 0
    }

    func release() {
        fieldStart.deallocate()
        fieldEnd.deallocate()
        fieldQuoted.deallocate()
    }

    mutating func problem(_ line: Int, _ message: String) {
        problemCount += 1
        if problems.count < problemLimit { problems.append(LoanRowProblem(line: line, message: message)) }
    }

    /// One row (without its line break). Blank rows are not records.
    mutating func process(_ start: UnsafeMutablePointer<UInt8>, _ rawLength: Int, line: Int) {
        var length = rawLength
        if length > 0 && start[length - 1] == UInt8(ascii: "\r") { length -= 1 }
        if length == 0 { rows -= 1; return }
        // Split into fields: eight bytes at a time, finding commas (and quotes) with word
        // arithmetic; a row with a quote anywhere takes the quote-aware path.
        var count = 0
        if let fast = splitUnquoted(start, length) {
            count = fast
        } else {
            guard let slow = splitQuoted(start, length, line: line) else { return }
            count = slow
        }
        guard count == columns.count else {
            problem(line, "expected \(columns.count) fields as in the header, found \(count)")
            return
        }
        // Amount in integer cents.
        let amountAt = columns.amount
        guard let cents = Self.cents(start + fieldStart[amountAt], fieldEnd[amountAt] - fieldStart[amountAt]) else {
            problem(line, "column 'amount_cny': '\(text(start, amountAt))' is not an amount (digits, at most two decimals)")
            return
        }
        let dateAt = columns.originated
        guard let periodKey = Self.periodKey(start + fieldStart[dateAt], fieldEnd[dateAt] - fieldStart[dateAt], granularity) else {
            problem(line, "column 'originated': '\(text(start, dateAt))' is not a date (YYYY-MM-DD)")
            return
        }
        guard let status = Self.status(start + fieldStart[columns.status], fieldEnd[columns.status] - fieldStart[columns.status]) else {
            problem(line, "column 'status': '\(text(start, columns.status))' is not one of current, repaid, overdue, default, written_off")
            return
        }
        if fieldEnd[columns.platform] == fieldStart[columns.platform] { problem(line, "column 'platform': empty"); return }
        if fieldEnd[columns.bank] == fieldStart[columns.bank] { problem(line, "column 'bank': empty"); return }
        if fieldEnd[columns.borrower] == fieldStart[columns.borrower] { problem(line, "column 'borrower_id': empty"); return }
        guard let platform = platforms.lookup(nameHash(start, columns.platform))
                ?? newName(start, columns.platform, "platform", line: line, into: \.platforms, register: accumulator.platformID),
              let bank = banks.lookup(nameHash(start, columns.bank))
                ?? newName(start, columns.bank, "bank", line: line, into: \.banks, register: accumulator.bankID)
        else { return }
        guard bank < 0x10000 else { problem(line, "more than 65,536 banks"); return }
        cells.add(periodKey << 32 | UInt64(platform) << 16 | UInt64(bank), cents: cents)
        statusCents.add(periodKey << 32 | UInt64(platform) << 8 | UInt64(status), cents: cents)
        if trackBorrowers && platform < BorrowerTable.platformBits {
            let borrower = Self.hash(start + fieldStart[columns.borrower], fieldEnd[columns.borrower] - fieldStart[columns.borrower])
            var key = (borrower ^ (periodKey &* 0xD6E8_FEB8_6659_FD93)) &* 0x9E37_79B9_7F4A_7C15
            if key == 0 { key = 1 }
            accumulator.borrowers.add(key: key, platformWord: periodKey << UInt64(BorrowerTable.platformBits) | 1 << UInt64(platform),
                                      amountCents: cents)
        }
    }

    /// 0x80 in every byte of `word` that equals the byte repeated in `pattern`, exactly (no
    /// borrow between bytes, unlike the shorter `haszero` trick).
    @inline(__always)
    static func bytesEqual(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// Field boundaries of a row without quotes; nil when the row has a quote (or too many fields).
    @inline(__always)
    private mutating func splitUnquoted(_ start: UnsafeMutablePointer<UInt8>, _ length: Int) -> Int? {
        let commas: UInt64 = 0x2C2C_2C2C_2C2C_2C2C
        let quotes: UInt64 = 0x2222_2222_2222_2222
        let raw = UnsafeRawPointer(start)
        var count = 0
        var begin = 0
        var i = 0
        while i + 8 <= length {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if Self.bytesEqual(word, quotes) != 0 { return nil }
            var mask = Self.bytesEqual(word, commas)
            while mask != 0 {
                let at = i + mask.trailingZeroBitCount >> 3
                if count == 63 { return nil }
                fieldStart[count] = begin
                fieldEnd[count] = at
                fieldQuoted[count] = false
                count += 1
                begin = at + 1
                mask &= mask - 1
            }
            i += 8
        }
        while i < length {
            let byte = start[i]
            if byte == UInt8(ascii: "\"") { return nil }
            if byte == UInt8(ascii: ",") {
                if count == 63 { return nil }
                fieldStart[count] = begin
                fieldEnd[count] = i
                fieldQuoted[count] = false
                count += 1
                begin = i + 1
            }
            i += 1
        }
        fieldStart[count] = begin
        fieldEnd[count] = length
        fieldQuoted[count] = false
        return count + 1
    }

    /// Field boundaries of a row with quotes: quoted fields may hold commas and doubled quotes.
    private mutating func splitQuoted(_ start: UnsafeMutablePointer<UInt8>, _ length: Int, line: Int) -> Int? {
        var count = 0
        var i = 0
        let comma = Int32(UInt8(ascii: ","))
        while true {
            if count == 64 { problem(line, "more than 64 fields"); return nil }
            if i < length && start[i] == UInt8(ascii: "\"") {
                let open = i
                i += 1
                while true {
                    if i >= length { problem(line, "unterminated quoted field"); return nil }
                    if start[i] == UInt8(ascii: "\"") {
                        if i + 1 < length && start[i + 1] == UInt8(ascii: "\"") { i += 2; continue }
                        break
                    }
                    i += 1
                }
                fieldStart[count] = open + 1
                fieldEnd[count] = i
                fieldQuoted[count] = true
                i += 1
                if i < length && start[i] != UInt8(ascii: ",") { problem(line, "text after a closing quote"); return nil }
            } else {
                let first = i
                if let found = memchr(start + i, comma, length - i) {
                    i = start.distance(to: found.assumingMemoryBound(to: UInt8.self))
                } else {
                    i = length
                }
                if memchr(start + first, Int32(UInt8(ascii: "\"")), i - first) != nil {
                    problem(line, "quote inside an unquoted field")
                    return nil
                }
                fieldStart[count] = first
                fieldEnd[count] = i
                fieldQuoted[count] = false
            }
            count += 1
            if i >= length { break }
            i += 1 // the comma
            if i == length { fieldStart[count] = i; fieldEnd[count] = i; fieldQuoted[count] = false; count += 1; break }
        }
        return count
    }

    private func text(_ start: UnsafeMutablePointer<UInt8>, _ index: Int) -> String {
        let bytes = UnsafeBufferPointer(start: start + fieldStart[index], count: min(40, fieldEnd[index] - fieldStart[index]))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A name not in this thread's cache yet: checked, registered globally, then cached.
    private mutating func newName(_ start: UnsafeMutablePointer<UInt8>, _ index: Int, _ column: String, line: Int,
                                  into cache: WritableKeyPath<RowParser, NameCache>,
                                  register: (String) -> Int) -> Int? {
        guard let name = checkedName(start, index, column, line: line) else { return nil }
        // Columns count characters, from the opening quote of a quoted field.
        let at = fieldStart[index] - (fieldQuoted[index] ? 1 : 0)
        let characters = UnsafeBufferPointer(start: start, count: at).reduce(1) { $1 & 0xC0 != 0x80 ? $0 + 1 : $0 }
        firstSeen.append(LoanNameSighting(column: column, name: name, line: line, characterColumn: characters))
        let id = register(name)
        self[keyPath: cache].remember(nameHash(start, index), id)
        return id
    }

    @inline(__always)
    private func nameHash(_ start: UnsafeMutablePointer<UInt8>, _ index: Int) -> UInt64 {
        Self.hash(start + fieldStart[index], fieldEnd[index] - fieldStart[index]) ^ (fieldQuoted[index] ? 1 : 0)
    }

    /// A name seen for the first time, checked like any name at ingest: valid UTF-8, no unsafe
    /// characters; doubled quotes undone; NFC.
    private mutating func checkedName(_ start: UnsafeMutablePointer<UInt8>, _ index: Int, _ column: String, line: Int) -> String? {
        var bytes = Array(UnsafeBufferPointer(start: start + fieldStart[index], count: fieldEnd[index] - fieldStart[index]))
        if fieldQuoted[index] {
            var unescaped: [UInt8] = []
            var k = 0
            while k < bytes.count {
                unescaped.append(bytes[k])
                k += bytes[k] == UInt8(ascii: "\"") && k + 1 < bytes.count && bytes[k + 1] == UInt8(ascii: "\"") ? 2 : 1
            }
            bytes = unescaped
        }
        guard let name = String(validating: bytes, as: UTF8.self) else {
            problem(line, "column '\(column)': invalid UTF-8")
            return nil
        }
        if let bad = name.unicodeScalars.first(where: UnsafeScalar.isUnsafe) {
            problem(line, "column '\(column)': \(UnsafeScalar.reason(bad)!) \(UnsafeScalar.codePoint(bad)) is not allowed in a name")
            return nil
        }
        return TextNormalization.nfc(name)
    }

    /// A 64-bit hash of bytes (FNV-1a over 8-byte words, then a final mix).
    @inline(__always)
    static func hash(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            i += 8
        }
        // The last 1–7 bytes as one word (4-, 2- and 1-byte loads), not a byte loop.
        let rest = n - i
        if rest > 0 {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            if rest & 4 != 0 {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                shift = 32
                i += 4
            }
            if rest & 2 != 0 {
                tail |= UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt16.self)) << shift
                shift += 16
                i += 2
            }
            if rest & 1 != 0 { tail |= UInt64(p[i]) << shift }
            h = (h ^ tail) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    /// Digits, then optionally a point and one or two digits: the amount in cents, exactly.
    @inline(__always)
    static func cents(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int64? {
        guard n > 0, n <= 18 else { return nil }
        var value: Int64 = 0
        var i = 0
        var digits = 0
        while i < n && p[i] >= 0x30 && p[i] <= 0x39 { value = value * 10 + Int64(p[i] - 0x30); i += 1; digits += 1 }
        guard digits > 0 else { return nil }
        var decimals = 0
        if i < n {
            guard p[i] == UInt8(ascii: "."), i + 1 < n, n - i - 1 <= 2 else { return nil }
            i += 1
            while i < n {
                guard p[i] >= 0x30 && p[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(p[i] - 0x30)
                decimals += 1
                i += 1
            }
        }
        return decimals == 2 ? value : decimals == 1 ? value * 10 : value * 100
    }

    /// `YYYY-MM-DD` → the period key (year*12 + month − 1, or year*4 + quarter − 1); nil if not a real date.
    /// The first eight bytes are checked and split as one word.
    @inline(__always)
    static func periodKey(_ p: UnsafeMutablePointer<UInt8>, _ n: Int, _ granularity: Period.Granularity) -> UInt64? {
        guard n == 10 else { return nil }
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        // Bytes 4 and 7 are dashes; bytes 0–3, 5, 6 are digits (x < 10 after removing '0').
        guard (word >> 32) & 0xFF == 0x2D, word >> 56 == 0x2D else { return nil }
        let x = word ^ 0x3030_3030_3030_3030
        let notDigit = (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & 0x0080_8000_8080_8080
        let d8 = Int(p[8]) &- 0x30, d9 = Int(p[9]) &- 0x30
        guard notDigit == 0, UInt(d8) < 10, UInt(d9) < 10 else { return nil }
        let year = Int(x & 0xFF) * 1000 + Int(x >> 8 & 0xFF) * 100 + Int(x >> 16 & 0xFF) * 10 + Int(x >> 24 & 0xFF)
        let month = Int(x >> 40 & 0xFF) * 10 + Int(x >> 48 & 0xFF)
        let day = d8 * 10 + d9
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= 28 || day <= CalendarDate.days(inMonth: month, of: year)
        else { return nil }
        return granularity == .quarter ? UInt64(year * 4 + (month - 1) / 3) : UInt64(year * 12 + month - 1)
    }

    @inline(__always)
    static func status(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int? {
        func equals(_ word: StaticString) -> Bool {
            n == word.utf8CodeUnitCount && memcmp(p, word.utf8Start, n) == 0
        }
        switch n {
        case 7: return equals("current") ? 0 : equals("overdue") ? 2 : equals("default") ? 3 : nil
        case 6: return equals("repaid") ? 1 : nil
        case 11: return equals("written_off") ? 4 : nil
        default: return nil
        }
    }
}

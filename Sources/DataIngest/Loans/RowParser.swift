import MarketAnalytics
import TerminalText
#if canImport(Glibc)
import Glibc
#endif

/// One thread's parsing state and the per-row work: a value type, so the hot path pays no
/// exclusivity checks and allocates nothing.
///
/// Rows take one of two paths. `parseRows` walks the separator bits of a buffer of whole rows
/// (see `SeparatorScan`) and decodes the common spellings with the fast field decoders; any row
/// it cannot take whole (a quote, a wrong field count, a new name, a date or amount in another
/// form, an error) goes to `process`, which handles every case and reports problems. Both paths
/// end in `record`, so they cannot disagree on what a row adds.
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
    private var goodRowsInEarlierRanges = 0
    private var cells = DenseCells()
    private var dates = DateCache()
    private var platforms = NameTable()
    private var banks = NameTable()
    // Field boundaries of the current row; fixed storage, so the hot loop allocates nothing.
    private let fieldStart = UnsafeMutablePointer<Int>.allocate(capacity: 65)
    private let fieldEnd = UnsafeMutablePointer<Int>.allocate(capacity: 65)
    private let fieldQuoted = UnsafeMutablePointer<Bool>.allocate(capacity: 65)
    /// The borrowers behind this thread's keys, so that no two are ever merged on a hash (see `BorrowerIDs`).
    private var borrowerIDs = BorrowerIDs()
    /// Loans waiting for the borrower table (see `recordBorrower`).
    private let pendingBorrowers = UnsafeMutablePointer<BorrowerLoan>.allocate(capacity: RowParser.borrowerBatchSize)
    private var pendingCount = 0
    private var borrowersFull = false
    /// Kept only so that the borrower table's first reads of a batch are not optimised away.
    private(set) var touchedSlots: UInt64 = 0
    /// The fields the fast path takes quoted: the names and the borrower.
    private let quotableFields: UInt64
    /// False for `lendscope aggregate`, which needs no borrowers: it skips the hashing and the table.
    private let trackBorrowers: Bool

    /// False: every row the general way (see `LoanFileParser.fastPath`).
    private let fastPath: Bool
    /// True when over-indebtedness, pricing and co-funding are wanted: the row's term, rate,
    /// `closed_on` and `platform_funded_cny` are then decoded and checked too.
    private let trackDetails: Bool
    private var spill: BorrowerSpillWriter?
    private var terms: TermCells
    private let thresholds: [Int64]

    init(columns: LoanColumns, granularity: Period.Granularity, accumulator: LoanAccumulator, problemLimit: Int,
         fastPath: Bool = true) {
        self.fastPath = fastPath
        self.columns = columns
        self.granularity = granularity
        self.accumulator = accumulator
        self.problemLimit = problemLimit
        trackBorrowers = accumulator.borrowers.capacity > 0
        trackDetails = accumulator.details != nil
        spill = accumulator.details.map { BorrowerSpillWriter(store: $0) }
        thresholds = accumulator.details?.options.aprThresholds ?? []
        terms = TermCells(thresholds: thresholds)
        quotableFields = [columns.platform, columns.bank, columns.borrower].reduce(0) { $0 | ($1 < 64 ? 1 << UInt64($1) : 0) }
    }

    func release() {
        spill?.release()
        terms.release()
        pendingBorrowers.deallocate()
        fieldStart.deallocate()
        fieldEnd.deallocate()
        fieldQuoted.deallocate()
        cells.release()
        dates.release()
        platforms.release()
        banks.release()
    }

    /// Adds this thread's cells, status amounts and good rows to the accumulator.
    mutating func merge() {
        flushBorrowers()
        spill?.finish()
        accumulator.mergeTerms(terms, periodKeys: cells.periodKeys)
        terms.release()
        terms = TermCells(thresholds: thresholds)
        if trackBorrowers { accumulator.mergeBorrowerIDs(borrowerIDs) }
        borrowerIDs = BorrowerIDs()
        accumulator.merge(rows: goodRowsInEarlierRanges + rows - problemCount, sumOverflowed: cells.sumOverflowed,
                          expectedCells: cells.cellCount, cells: cells.forEachCell, statuses: cells.forEachStatus)
    }

    /// Resets what is counted per range; cells and names carry over.
    mutating func startRange() {
        goodRowsInEarlierRanges += rows - problemCount
        (rows, lines, problems, firstSeen, problemCount) = (0, 0, [], [], 0)
    }

    mutating func problem(_ line: Int, _ message: String) {
        problemCount += 1
        if problems.count < problemLimit { problems.append(LoanRowProblem(line: line, message: message)) }
    }

    // MARK: - The fast path

    /// Parses the rows of `base[from..<to]` that start before `stop`; `to` is just after a line
    /// feed, and 64 bytes past `to` must be readable. Returns where it stopped (`to`, or the
    /// first row at or after `stop`). Counts rows and lines like `process`.
    mutating func parseRows(_ base: UnsafeMutablePointer<UInt8>, from: Int, to: Int, stop: Int) -> Int {
        let comma = UInt8(ascii: ","), lineFeed = UInt8(ascii: "\n"), quote = UInt8(ascii: "\"")
        let lastField = columns.count - 1
        // Wider headers: every row the general way, which reports them.
        let splittable = columns.count <= 64 && fastPath
        let canonical = fastPath && columns.isDocumentedOrder
        var row = from
        var block = from
        var bits = SeparatorScan.mask(base + from)
        /// The next separator's position; stops at the row's line feed, so it never runs past `to`.
        @inline(__always) func next() -> Int {
            while bits == 0 {
                block &+= 64
                bits = SeparatorScan.mask(base + block)
            }
            let at = block &+ bits.trailingZeroBitCount
            bits &= bits &- 1
            return at
        }
        /// The same, but returns `to` (a position no real separator has) instead of looking past it.
        @inline(__always) func nextOrEnd() -> Int {
            while bits == 0 {
                if block &+ 64 >= to { block = to; bits = 1; break }
                block &+= 64
                bits = SeparatorScan.mask(base + block)
            }
            let at = block &+ bits.trailingZeroBitCount
            bits &= bits &- 1
            return at
        }
        // Rows (each one line) parsed since `rows` and `lines` were last brought up to date; kept
        // in a register, and added before `process` (which numbers lines) and at the end.
        var parsed = 0
        rows: while row < to && row < stop {
            var end = -1
            var quoted: UInt64 = 0
            if canonical {
                // The documented column order, unrolled: nine separators kept in registers, checked
                // to be eight commas and a line feed, then the six fields used decoded in place.
                let e0 = nextOrEnd(), e1 = nextOrEnd(), e2 = nextOrEnd(), e3 = nextOrEnd(), e4 = nextOrEnd()
                let e5 = nextOrEnd(), e6 = nextOrEnd(), e7 = nextOrEnd(), e8 = nextOrEnd()
                let commas = (base[e0] ^ comma) | (base[e1] ^ comma) | (base[e2] ^ comma) | (base[e3] ^ comma)
                    | (base[e4] ^ comma) | (base[e5] ^ comma) | (base[e6] ^ comma) | (base[e7] ^ comma)
                let statusEnd = e8 > e7 &+ 1 && base[e8 &- 1] == UInt8(ascii: "\r") ? e8 &- 1 : e8
                if commas | (base[e8] ^ lineFeed) == 0 && e8 < to
                    && decode(platform: base + (e0 &+ 1), e1 &- e0 &- 1, quoted: false,
                              bank: base + (e1 &+ 1), e2 &- e1 &- 1, quoted: false,
                              borrower: base + (e2 &+ 1), e3 &- e2 &- 1,
                              amount: base + (e3 &+ 1), e4 &- e3 &- 1,
                              originated: base + (e5 &+ 1), e6 &- e5 &- 1,
                              status: base + (e7 &+ 1), statusEnd &- e7 &- 1,
                              term: base + (e4 &+ 1), e5 &- e4 &- 1, rate: base + (e6 &+ 1), e7 &- e6 &- 1,
                              closed: nil, 0, funded: nil, 0) {
                    parsed &+= 1
                    row = e8 &+ 1
                    continue rows
                }
                block = row
                bits = SeparatorScan.mask(base + row)
            } else if splittable {
                // The plain row first: as many separators as fields, all commas but the last, which is
                // the line feed. Checked after the fact, without a branch per field.
                var previous = row &- 1
                var mismatch: UInt8 = 0
                for field in 0..<lastField {
                    let at = nextOrEnd()
                    fieldStart[field] = previous &+ 1
                    fieldEnd[field] = at
                    mismatch |= base[at] ^ comma
                    previous = at
                }
                let at = nextOrEnd()
                fieldStart[lastField] = previous &+ 1
                fieldEnd[lastField] = at > previous &+ 1 && base[at &- 1] == UInt8(ascii: "\r") ? at &- 1 : at
                if mismatch | (base[at] ^ lineFeed) == 0 && at < to {
                    end = at
                } else {
                    block = row
                    bits = SeparatorScan.mask(base + row)
                }
            }
            // Fields end at commas until the line feed. A field may be quoted (commas inside are
            // data, doubled quotes stay as written, as `process` hashes them); anything else odd
            // (a stray quote, a wrong count, a carriage return after a quote) goes to `process`.
            var field = 0
            var fieldBegin = row
            split: while splittable && end < 0 {
                var at = next()
                var byte = base[at]
                var first = fieldBegin, last = at
                if byte == quote {
                    guard at == fieldBegin else { break split }
                    while true {
                        at = next()
                        byte = base[at]
                        if byte == lineFeed { break split }
                        if byte == quote {
                            if base[at &+ 1] == quote { _ = next(); continue }
                            break
                        }
                    }
                    (first, last) = (fieldBegin &+ 1, at)
                    at = next()
                    guard at == last &+ 1 else { break split }
                    byte = base[at]
                    quoted |= 1 &<< UInt64(field)
                }
                if byte == comma && field < lastField {
                    fieldStart[field] = first
                    fieldEnd[field] = last
                    field &+= 1
                    fieldBegin = at &+ 1
                    continue
                }
                if byte == lineFeed && field == lastField {
                    fieldStart[field] = first
                    fieldEnd[field] = quoted >> UInt64(field) == 0 && last > first && base[last &- 1] == UInt8(ascii: "\r") ? last &- 1 : last
                    end = at
                }
                break
            }
            if end < 0 || !decodeFast(base, quoted: quoted) {
                // The whole row again, the general way; then the bits from its line feed on.
                end = base.distance(to: memchr(base + row, Int32(lineFeed), to - row)!.assumingMemoryBound(to: UInt8.self))
                rows &+= parsed
                lines &+= parsed
                parsed = 0
                process(base + row, end - row, line: lines + 1)
                block = end + 1
                bits = SeparatorScan.mask(base + block)
            }
            parsed &+= 1
            row = end &+ 1
        }
        rows &+= parsed
        lines &+= parsed
        return row
    }

    /// Decodes a split row (fields in `fieldStart`/`fieldEnd`) whose fields all take their common
    /// form and whose names are known; false (having changed nothing) otherwise. Only names and
    /// the borrower may be quoted here.
    @inline(__always)
    private mutating func decodeFast(_ base: UnsafeMutablePointer<UInt8>, quoted: UInt64) -> Bool {
        @inline(__always) func at(_ index: Int) -> UnsafeMutablePointer<UInt8> { base + fieldStart[index] }
        @inline(__always) func length(_ index: Int) -> Int { fieldEnd[index] &- fieldStart[index] }
        @inline(__always) func isQuoted(_ index: Int) -> Bool { quoted >> UInt64(index) & 1 != 0 }
        guard quoted & ~quotableFields == 0 else { return false }
        return decode(platform: at(columns.platform), length(columns.platform), quoted: isQuoted(columns.platform),
                      bank: at(columns.bank), length(columns.bank), quoted: isQuoted(columns.bank),
                      borrower: at(columns.borrower), length(columns.borrower),
                      amount: at(columns.amount), length(columns.amount),
                      originated: at(columns.originated), length(columns.originated),
                      status: at(columns.status), length(columns.status),
                      term: at(columns.term), length(columns.term), rate: at(columns.rate), length(columns.rate),
                      closed: columns.closedOn >= 0 ? at(columns.closedOn) : nil, columns.closedOn >= 0 ? length(columns.closedOn) : 0,
                      funded: columns.platformFunded >= 0 ? at(columns.platformFunded) : nil,
                      columns.platformFunded >= 0 ? length(columns.platformFunded) : 0)
    }

    /// The fast decoders on the six fields used; records the row and returns true, or returns
    /// false having changed nothing.
    @inline(__always)
    private mutating func decode(platform: UnsafeMutablePointer<UInt8>, _ platformLength: Int, quoted platformQuoted: Bool,
                                 bank: UnsafeMutablePointer<UInt8>, _ bankLength: Int, quoted bankQuoted: Bool,
                                 borrower: UnsafeMutablePointer<UInt8>, _ borrowerLength: Int,
                                 amount: UnsafeMutablePointer<UInt8>, _ amountLength: Int,
                                 originated: UnsafeMutablePointer<UInt8>, _ originatedLength: Int,
                                 status: UnsafeMutablePointer<UInt8>, _ statusLength: Int,
                                 term: UnsafeMutablePointer<UInt8>, _ termLength: Int,
                                 rate: UnsafeMutablePointer<UInt8>, _ rateLength: Int,
                                 closed: UnsafeMutablePointer<UInt8>?, _ closedLength: Int,
                                 funded: UnsafeMutablePointer<UInt8>?, _ fundedLength: Int) -> Bool {
        guard let cents = LoanFields.centsFast(amount, amountLength), cents > 0,
              originatedLength == 10, let slot = dates.slot(originated),
              let status = LoanFields.status(status, statusLength),
              platformLength > 0, bankLength > 0, borrowerLength > 0,
              let platform = platforms.find(platform, platformLength, quoted: platformQuoted),
              let bank = banks.find(bank, bankLength, quoted: bankQuoted)
        else { return false }
        if trackDetails {
            let (day, periodEnd) = dates.days(originated)
            guard let details = LoanDetails.decode(borrowerLength: borrowerLength, cents: cents, originDay: day,
                                                   term: term, termLength, rate: rate, rateLength,
                                                   closed: closed, closedLength, funded: funded, fundedLength)
            else { return false }
            record(slot: slot, platform: platform, bank: bank, status: status, cents: cents, borrower: borrower, borrowerLength)
            recordDetails(slot: slot, platform: platform, status: status, cents: cents, borrower: borrower, borrowerLength,
                          originDay: day, periodEnd: periodEnd, details: details)
            return true
        }
        record(slot: slot, platform: platform, bank: bank, status: status, cents: cents, borrower: borrower, borrowerLength)
        return true
    }

    /// The row's part in over-indebtedness (a record for its borrower's partition, when the loan
    /// is outstanding at some period end), pricing and co-funding.
    @inline(never)
    private mutating func recordDetails(slot: Int, platform: Int, status: Int, cents: Int64,
                                        borrower: UnsafeMutablePointer<UInt8>, _ borrowerLength: Int,
                                        originDay: Int, periodEnd: Int, details: LoanDetails) {
        terms.add(slot: slot, platform: platform, cents: cents, rate: details.rate, platformFunded: details.platformFunded,
                  fundedStated: columns.platformFunded >= 0, ruleInForce: originDay >= Self.cofundingRuleDay)
        // Outstanding at period ends k0 ..< key(end day): see `Indebtedness`.
        let endDay = min(originDay + details.term, details.closedOn)
        guard endDay > periodEnd else { return }
        let first = cells.periodKeys[slot]
        let last = LoanFields.periodKey(ofDay: endDay, granularity)
        guard first <= UInt64(UInt32.max) else { return }
        spill?.add(hash: LoanFields.hash(borrower, borrowerLength), borrower: borrower, length: borrowerLength,
                   platform: platform, firstPeriod: UInt32(first), periods: Int(min(last - first, 0xFFFF)), cents: cents,
                   bad: status >= 2) // overdue, default, written_off (see `LoanFields.status`)
    }

    /// What every good row adds, whichever path decoded it.
    @inline(__always)
    private mutating func record(slot: Int, platform: Int, bank: Int, status: Int, cents: Int64,
                                 borrower: UnsafeMutablePointer<UInt8>, _ borrowerLength: Int) {
        cells.add(slot: slot, platform: platform, bank: bank, status: status, cents: cents)
        if trackBorrowers { recordBorrower(slot: slot, platform: platform, cents: cents, borrower, borrowerLength) }
    }

    /// The borrower's side of a row, for stacking; out of line, so `aggregate`'s loop stays small.
    /// Loans wait in a batch of `borrowerBatchSize` and go to the shared table together.
    @inline(never)
    private mutating func recordBorrower(slot: Int, platform: Int, cents: Int64, _ borrower: UnsafeMutablePointer<UInt8>, _ length: Int) {
        guard platform < BorrowerTable.platformBits, !borrowersFull else { return }
        let periodKey = cells.periodKeys[slot]
        guard periodKey <= BorrowerTable.latestPeriodKey else {
            accumulator.borrowers.rejectPeriod()
            borrowersFull = true
            return
        }
        var key = (LoanFields.hash(borrower, length) ^ (periodKey &* 0xD6E8_FEB8_6659_FD93)) &* 0x9E37_79B9_7F4A_7C15
        if key == 0 { key = 1 }
        borrowerIDs.note(key: key, period: periodKey, borrower, length)
        pendingBorrowers[pendingCount] = BorrowerLoan(
            key: key, platformWord: periodKey << UInt64(BorrowerTable.platformBits) | 1 << UInt64(platform), cents: cents)
        pendingCount += 1
        if pendingCount == Self.borrowerBatchSize { flushBorrowers() }
    }

    static let borrowerBatchSize = 32

    /// The day the 30% floor applies to new loans from (the notice's publication).
    static let cofundingRuleDay = CofundingFloor.inForceFrom.dayNumber

    /// Sends the waiting loans to the borrower table; called when the batch fills and before the
    /// results are merged.
    mutating func flushBorrowers() {
        touchedSlots ^= accumulator.borrowers.add(UnsafeMutableBufferPointer(start: pendingBorrowers, count: pendingCount))
        pendingCount = 0
        // Once the table is full, stacking is unavailable: the rest of the file skips this work.
        borrowersFull = accumulator.borrowers.overflowed
    }

    // MARK: - The general path

    /// One row (without its line break), any form. Blank rows are not records.
    mutating func process(_ start: UnsafeMutablePointer<UInt8>, _ rawLength: Int, line: Int) {
        var length = rawLength
        if length > 0 && start[length - 1] == UInt8(ascii: "\r") { length -= 1 }
        if length == 0 { rows -= 1; return }
        // A row with a quote anywhere takes the quote-aware split.
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
        let amountAt = columns.amount
        guard let cents = LoanFields.cents(start + fieldStart[amountAt], fieldEnd[amountAt] - fieldStart[amountAt]) else {
            problem(line, "column 'amount_cny': '\(text(start, amountAt))' is not an amount (digits, at most two decimals)")
            return
        }
        // A loan of nothing is no loan: every table counts a loan's amount in fen, at least one.
        guard cents > 0 else {
            problem(line, "column 'amount_cny': a loan's amount is above zero, not '\(text(start, amountAt))'")
            return
        }
        let dateAt = columns.originated
        guard let date = LoanFields.date(start + fieldStart[dateAt], fieldEnd[dateAt] - fieldStart[dateAt], granularity),
              let civil = LoanFields.civil(start + fieldStart[dateAt], fieldEnd[dateAt] - fieldStart[dateAt]) else {
            problem(line, "column 'originated': '\(text(start, dateAt))' is not a date (YYYY-MM-DD)")
            return
        }
        let originDay = LoanFields.dayNumber(year: civil.year, month: civil.month, day: civil.day)
        guard let status = LoanFields.status(start + fieldStart[columns.status], fieldEnd[columns.status] - fieldStart[columns.status]) else {
            problem(line, "column 'status': '\(text(start, columns.status))' is not one of current, repaid, overdue, default, written_off")
            return
        }
        if fieldEnd[columns.platform] == fieldStart[columns.platform] { problem(line, "column 'platform': empty"); return }
        if fieldEnd[columns.bank] == fieldStart[columns.bank] { problem(line, "column 'bank': empty"); return }
        if fieldEnd[columns.borrower] == fieldStart[columns.borrower] { problem(line, "column 'borrower_id': empty"); return }
        guard let platform = known(start, columns.platform, in: platforms)
                ?? newName(start, columns.platform, "platform", line: line, into: \.platforms, register: accumulator.platformID),
              let bank = known(start, columns.bank, in: banks)
                ?? newName(start, columns.bank, "bank", line: line, into: \.banks, register: accumulator.bankID)
        else { return }
        // Cell keys hold each in 16 bits.
        // Which name is the 65,537th depends on the threads' order; the parse names the first in
        // file order afterwards (`LoanFileParser`).
        guard platform < 0x10000 else { accumulator.noteNamePastLimit("platform"); return }
        guard bank < 0x10000 else { accumulator.noteNamePastLimit("bank"); return }
        var details: LoanDetails?
        if trackDetails {
            guard let checked = checkedDetails(start, line: line, cents: cents, originDay: originDay) else { return }
            details = checked
        }
        let slot = cells.slot(forPeriod: date.key)
        let periodEnd = LoanFields.lastDay(ofPeriod: date.key, granularity)
        dates.remember(start + fieldStart[dateAt], slot: slot, lastDay: date.lastDay,
                       monthStart: LoanFields.dayNumber(year: civil.year, month: civil.month, day: 1), periodEnd: periodEnd)
        let borrower = start + fieldStart[columns.borrower], borrowerLength = fieldEnd[columns.borrower] - fieldStart[columns.borrower]
        record(slot: slot, platform: platform, bank: bank, status: status, cents: cents, borrower: borrower, borrowerLength)
        if let details {
            recordDetails(slot: slot, platform: platform, status: status, cents: cents, borrower: borrower, borrowerLength,
                          originDay: originDay, periodEnd: periodEnd, details: details)
        }
    }

    /// The term, rate, `closed_on` and `platform_funded_cny` of a row, each checked with a
    /// message naming its column; nil (the problem reported) when one is wrong.
    private mutating func checkedDetails(_ start: UnsafeMutablePointer<UInt8>, line: Int, cents: Int64, originDay: Int) -> LoanDetails? {
        func field(_ index: Int) -> (UnsafeMutablePointer<UInt8>, Int) { (start + fieldStart[index], fieldEnd[index] - fieldStart[index]) }
        if fieldEnd[columns.borrower] - fieldStart[columns.borrower] > 0xFFFF {
            problem(line, "column 'borrower_id': longer than 65,535 bytes")
            return nil
        }
        let (termAt, termLength) = field(columns.term)
        guard let term = LoanFields.term(termAt, termLength) else {
            problem(line, "column 'term_days': '\(text(start, columns.term))' is not a term (a whole number of days, 1 to 999999999)")
            return nil
        }
        let (rateAt, rateLength) = field(columns.rate)
        guard let rate = LoanFields.billionths(rateAt, rateLength) else {
            problem(line, "column 'rate_apr': '\(text(start, columns.rate))' is not a rate (a decimal fraction such as 0.2041, "
                    + "at most 9 decimals)")
            return nil
        }
        var closedOn = Int.max
        if columns.closedOn >= 0 {
            let (at, length) = field(columns.closedOn)
            if length > 0 {
                guard let civil = LoanFields.civil(at, length) else {
                    problem(line, "column 'closed_on': '\(text(start, columns.closedOn))' is not a date (YYYY-MM-DD) or empty")
                    return nil
                }
                closedOn = LoanFields.dayNumber(year: civil.year, month: civil.month, day: civil.day)
                guard closedOn >= originDay else {
                    problem(line, "column 'closed_on': '\(text(start, columns.closedOn))' is before the loan was originated")
                    return nil
                }
            }
        }
        var funded: Int64 = -1
        if columns.platformFunded >= 0 {
            let (at, length) = field(columns.platformFunded)
            if length > 0 {
                guard let value = LoanFields.cents(at, length) else {
                    problem(line, "column 'platform_funded_cny': '\(text(start, columns.platformFunded))' is not an amount "
                            + "(digits, at most two decimals) or empty")
                    return nil
                }
                guard value <= cents else {
                    problem(line, "column 'platform_funded_cny': '\(text(start, columns.platformFunded))' is more than the loan's amount_cny")
                    return nil
                }
                funded = value
            }
        }
        return LoanDetails(term: term, rate: rate, closedOn: closedOn, platformFunded: funded)
    }

    /// Field boundaries of a row without quotes; nil when the row has a quote (or too many fields).
    private mutating func splitUnquoted(_ start: UnsafeMutablePointer<UInt8>, _ length: Int) -> Int? {
        guard memchr(start, Int32(UInt8(ascii: "\"")), length) == nil else { return nil }
        var count = 0
        var begin = 0
        while let found = memchr(start + begin, Int32(UInt8(ascii: ",")), length - begin) {
            if count == 63 { return nil }
            let at = start.distance(to: found.assumingMemoryBound(to: UInt8.self))
            fieldStart[count] = begin
            fieldEnd[count] = at
            fieldQuoted[count] = false
            count += 1
            begin = at + 1
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
                                  into cache: WritableKeyPath<RowParser, NameTable>,
                                  register: (String) -> Int) -> Int? {
        guard let name = checkedName(start, index, column, line: line) else { return nil }
        // Columns count characters, from the opening quote of a quoted field.
        let at = fieldStart[index] - (fieldQuoted[index] ? 1 : 0)
        let characters = UnsafeBufferPointer(start: start, count: at).reduce(1) { $1 & 0xC0 != 0x80 ? $0 + 1 : $0 }
        firstSeen.append(LoanNameSighting(column: column, name: name, line: line, characterColumn: characters))
        let id = register(name)
        self[keyPath: cache].insert(start + fieldStart[index], fieldEnd[index] - fieldStart[index], quoted: fieldQuoted[index], id: id)
        return id
    }

    private func known(_ start: UnsafeMutablePointer<UInt8>, _ index: Int, in names: NameTable) -> Int? {
        // An over-long name is never looked up (its length would not fit a slot's tag): it goes to
        // `newName`, which refuses it.
        guard fieldEnd[index] - fieldStart[index] <= RowParser.longestName else { return nil }
        return names.find(start + fieldStart[index], fieldEnd[index] - fieldStart[index], quoted: fieldQuoted[index])
    }

    /// The longest platform or bank name accepted, in bytes (as in the small files).
    static let longestName = 1_024

    /// A name seen for the first time, checked like any name at ingest: valid UTF-8, no unsafe
    /// characters; doubled quotes undone; NFC.
    private mutating func checkedName(_ start: UnsafeMutablePointer<UInt8>, _ index: Int, _ column: String, line: Int) -> String? {
        guard fieldEnd[index] - fieldStart[index] <= Self.longestName else {
            problem(line, "column '\(column)': a name longer than \(Self.longestName) bytes")
            return nil
        }
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
        // As in the small files: "Bank A " would otherwise be a second bank beside "Bank A".
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            problem(line, "column '\(column)': leading or trailing space in name '\(name)'")
            return nil
        }
        return TextNormalization.nfc(name)
    }
}

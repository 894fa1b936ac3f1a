import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

/// The loan parser's fast path: each decoder against the general one or the definition, and whole
/// hostile files against the general path (every row through `process`), split into many ranges.
@Suite("Loan parser fast path")
struct LoanFastPathTests {
    /// Bytes in a buffer with room to read past the end, as the parser's buffers have.
    static func withPadded<T>(_ text: String, trailing: UInt8 = 0x39, _ body: (UnsafePointer<UInt8>, Int) -> T) -> T {
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + 64)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: trailing, count: bytes.count + 64)
        for (i, byte) in bytes.enumerated() { buffer[i] = byte }
        return body(buffer, bytes.count)
    }

    @Test("separator bits: the SSE2 and word forms equal a byte-by-byte definition, high-bit look-alikes included")
    func separatorBits() {
        var rng = SplitMix(seed: 7)
        let alphabet: [UInt8] = [0x2C, 0x0A, 0x22, 0xAC, 0x8A, 0xA2, 0x2D, 0x0D, 0x00, 0xFF, 0x41, 0x2B, 0x2E]
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        defer { block.deallocate() }
        for _ in 0..<2_000 {
            for i in 0..<64 { block[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            var expected: UInt64 = 0
            for i in 0..<64 where [0x2C, 0x0A, 0x22].contains(block[i]) { expected |= 1 << UInt64(i) }
            #expect(SeparatorScan.wordMask(block) == expected)
            #expect(SeparatorScan.mask(block) == expected)
            #if arch(x86_64)
            #expect(SeparatorScan.vectorMask(block) == expected)
            #endif
        }
    }

    @Test("radix sort: the same order as the standard sort, also when low bits are only carried along")
    func radixSort() {
        var rng = SplitMix(seed: 5)
        for count in [0, 1, 2, 255, 256, 257, 5_000] {
            var keys = (0..<count).map { _ in rng.next() }
            let expected = keys.sorted()
            RadixSort.sort(&keys)
            #expect(keys == expected)
            // Distinct high parts, arbitrary low 20 bits: ordered by the high part alone.
            var packed = (0..<count).map { UInt64($0) << 20 ^ 0x5_5555_5555 << 20 | (rng.next() & 0xFFFFF) }
            let byHigh = packed.sorted { $0 >> 20 < $1 >> 20 }
            RadixSort.sort(&packed, from: 20)
            #expect(packed == byHigh)
        }
    }

    @Test("amounts: the one-word form agrees with the general one wherever it answers, and answers for D.DD up to 8 digits")
    func amounts() {
        var rng = SplitMix(seed: 11)
        let pieces = ["0", "1", "9", "12", "305", "4", ".", "..", "a", "-", " ", "/", ":", "00", "99999999", "123456789"]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(1 + Int(rng.next() % 4)) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            Self.withPadded(text) { p, n in
                let general = LoanFields.cents(p, n)
                if let fast = LoanFields.centsFast(p, n) { #expect(fast == general, "\(text)") }
            }
        }
        for text in ["0.00", "1.05", "12345678.99", "99999999.99", "3.10", "1000.01"] {
            Self.withPadded(text) { p, n in
                #expect(LoanFields.centsFast(p, n) != nil, "\(text)")
                #expect(LoanFields.centsFast(p, n) == LoanFields.cents(p, n), "\(text)")
            }
        }
        // Not the fast form: the general path decides.
        for text in ["123456789.00", "1.5", "7", ".50", "1.2.3", "12a4.00", "12.0a", "１.00"] {
            Self.withPadded(text) { p, n in #expect(LoanFields.centsFast(p, n) == nil, "\(text)") }
        }
        Self.withPadded("12.34") { p, n in #expect(LoanFields.centsFast(p, n) == 1234) }
    }

    @Test("statuses: the five spellings exactly, whatever follows the field")
    func statuses() {
        let expected = ["current": 0, "repaid": 1, "overdue": 2, "default": 3, "written_off": 4]
        for trailing: UInt8 in [0x00, 0x2C, 0x66, 0xFF] {
            for (word, value) in expected {
                Self.withPadded(word, trailing: trailing) { p, n in #expect(LoanFields.status(p, n) == value, "\(word)") }
            }
            for word in ["Current", "curren", "currentx", "repaidd", "written_of", "written_offf", "written-off", "overdu3", "", "defaulT"] {
                Self.withPadded(word, trailing: trailing) { p, n in #expect(LoanFields.status(p, n) == nil, "\(word)") }
            }
        }
    }

    @Test("name tables: exact bytes up to 16, hashed beyond; quoted and unquoted spellings kept apart; bytes after the name ignored")
    func nameTables() {
        var table = NameTable()
        defer { table.release() }
        let names = (1...300).map { "Bank \($0)" } + ["Ant Group", "JD Baitiao", "Sixteen bytes!!!", "Seventeen bytes!!", "微众银行",
                                                      "A much longer bank name, with a comma"]
        for (id, name) in names.enumerated() {
            Self.withPadded(name) { p, n in table.insert(p, n, quoted: false, id: id) }
        }
        for (id, name) in names.enumerated() {
            for trailing: UInt8 in [0x00, 0x2C, 0x41] {
                Self.withPadded(name, trailing: trailing) { p, n in #expect(table.find(p, n, quoted: false) == id, "\(name)") }
            }
            Self.withPadded(name) { p, n in #expect(table.find(p, n, quoted: true) == nil, "\(name)") }
        }
        for stranger in ["Bank 301", "Bank 1 ", "bank 1", "Bank", "Sixteen bytes!!?", "Seventeen bytes!?", "B"] {
            Self.withPadded(stranger) { p, n in #expect(table.find(p, n, quoted: false) == nil, "\(stranger)") }
        }
    }

    @Test("the month cache answers only for real days of months it has checked")
    func monthCache() {
        let cache = DateCache()
        defer { cache.release() }
        let feb2020 = LoanFields.dayNumber(year: 2020, month: 2, day: 1), feb2021 = LoanFields.dayNumber(year: 2021, month: 2, day: 1)
        Self.withPadded("2020-02-01") { p, _ in cache.remember(p, slot: 3, lastDay: 29, monthStart: feb2020, periodEnd: feb2020 + 59) }
        Self.withPadded("2021-02-01") { p, _ in cache.remember(p, slot: 7, lastDay: 28, monthStart: feb2021, periodEnd: feb2021 + 58) }
        let cases: [(String, Int?)] = [("2020-02-29", 3), ("2020-02-01", 3), ("2021-02-28", 7), ("2021-02-29", nil),
                                       ("2020-02-30", nil), ("2020-02-00", nil), ("2020-02-3a", nil), ("2020-02-/1", nil),
                                       ("2020-03-01", nil), ("1920-02-01", nil), ("2120-02-01", nil)]
        for (text, slot) in cases {
            Self.withPadded(text) { p, _ in #expect(cache.slot(p) == slot, "\(text)") }
        }
        // The day numbers it keeps: the day's own and its period's last.
        Self.withPadded("2020-02-29") { p, _ in #expect(cache.days(p) == (feb2020 + 28, feb2020 + 59)) }
        Self.withPadded("2021-02-28") { p, _ in #expect(cache.days(p) == (feb2021 + 27, feb2021 + 58)) }
        // The general decoder gives the last day it caches.
        Self.withPadded("2024-02-10") { p, n in #expect(LoanFields.date(p, n, .month)?.lastDay == 29) }
        Self.withPadded("1900-02-10") { p, n in #expect(LoanFields.date(p, n, .month)?.lastDay == 28) }
    }

    @Test("amounts too large for 64-bit cents: a row is reported, a sum fails the file; nothing traps or wraps")
    func overflow() throws {
        let big = LoanParserTests.header + "L1,JD,Bank B,b1,999999999999999999,30,2020-07-01,0.1,current\n"
        let (_, result) = try LoanParserTests.parse(big)
        #expect(result.problems.map(\.message) == ["column 'amount_cny': '999999999999999999' is not an amount (digits, at most two decimals)"])
        let hundredfold = LoanParserTests.header + String(repeating: "L1,JD,Bank B,b1,922337203685477.58,30,2020-07-01,0.1,current\n", count: 101)
        let path = try LoanParserTests.write(hundredfold)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try LoanFileParser(granularity: .quarter).parse(path: path, into: LoanAccumulator(granularity: .quarter, expectedRows: 2))
        } throws: { error in
            "\(error)" == "\(path):1:1: amounts in one period × platform × bank (or one borrower's period, or one platform's new lending) sum past 92,233,720,368,547,758.07 yuan; not summed"
        }
    }

    /// A file mixing every form the parser must handle, good rows and bad, with the columns in
    /// `order` (indices into the documented header; a column may repeat as an extra).
    static func hostileFile(rows: Int, seed: UInt64, order: [Int] = Array(0..<9)) -> String {
        var rng = SplitMix(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let names = LoanColumns.names
        var text = order.enumerated().map { position, column in
            order.firstIndex(of: column) == position ? names[column] : "extra_\(position)"
        }.joined(separator: ",") + "\n"
        let platforms = ["Huabei", "Jiebei", "JD Baitiao", "Weilidai", "\"Quoted Platform\"", "A platform name over sixteen bytes"]
        let banks = ["Bank 1", "Bank 2", "\"Bank, Comma\"", "\"Bank \"\"Q\"\"\"", "\"Plain Quoted\"", "微众银行", "Bank 3",
                     "Seventeen bytes!!"]
        let amounts = ["12.50", "7", "0.5", "123456789.01", "99999999.99", "1000.00", "3.1", "1.234", "abc", "", "\"5.00\"",
                       "999999999999999999", "92233720368547758.07"]
        let dates = ["2020-01-31", "2020-02-29", "2021-02-29", "2021-12-31", "2019-06-15", "2020-13-01", "2020-1-01",
                     "\"2020-04-01\"", "2020-04-00"]
        let statuses = ["current", "repaid", "overdue", "default", "written_off", "late", "Current", "\"current\""]
        func line(_ fields: [String]) -> String { order.map { fields[$0] }.joined(separator: ",") }
        for i in 0..<rows {
            let ending = pick(["\n", "\n", "\n", "\r\n"])
            let good = ["L\(i)", "Huabei", "Bank 1", "b1", "1.00", "30", "2020-01-01", "0.1", "current"]
            func with(_ column: Int, _ value: String) -> String { var fields = good; fields[column] = value; return line(fields) }
            switch rng.next() % 40 {
            case 0: text += ending  // a blank line
            case 1: text += with(2, "\"Bank 1") + ending  // unterminated quote
            case 2: text += line(good).split(separator: ",").prefix(4).joined(separator: ",") + ending  // too few fields
            case 3: text += line(good) + ",extra" + ending  // too many
            case 4: text += with(1, "Hua\"bei") + ending  // stray quote
            case 5: text += with(1, "\"Huabei\"x") + ending  // text after a quote
            case 6: text += with(1, "") + ending  // empty platform
            case 7: text += with(3, "") + ending  // empty borrower
            default:
                // Half the amounts random in the common form, so that any slip in the arithmetic shows.
                let amount = rng.next() % 2 == 0 ? pick(amounts) : "\(rng.next() % 100_000_000).\(rng.next() % 10)\(rng.next() % 10)"
                text += line(["L\(i)", pick(platforms), pick(banks), pick(["b1", "b2", "\"b3\"", "borrower-4"]), amount, "30",
                              pick(dates), "0.1", pick(statuses)]) + ending
            }
        }
        return text
    }

    @Test("hostile files: the fast path gives the general path's cells, rows, problems and lines, over many ranges",
          arguments: [(1, 1 << 20), (2, 97), (3, 1_000), (5, 61)])
    func hostileFiles(threads: Int, rangeBytes: Int) throws {
        // The documented order (the unrolled loop), another order, and one with an extra column.
        let orders = [Array(0..<9), [8, 6, 4, 2, 0, 1, 3, 5, 7], [0, 1, 2, 3, 4, 5, 6, 7, 8, 5]]
        for (seed, order) in zip([UInt64(1), 2, 3], orders) {
            let text = Self.hostileFile(rows: 3_000, seed: seed, order: order)
            let path = try LoanParserTests.write(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            func run(fastPath: Bool) throws -> (cells: [String], result: LoanFileParser.Result, stacking: [Period: StackingFigures]) {
                let accumulator = LoanAccumulator(granularity: .month, expectedRows: 3_000)
                let parser = LoanFileParser(granularity: .month, threads: fastPath ? threads : 1, problemLimit: 10_000,
                                            rangeBytes: fastPath ? rangeBytes : 1 << 20, fastPath: fastPath)
                let result = try parser.parse(path: path, into: accumulator)
                return (LoanParserTests.cells(accumulator), result, accumulator.figures { $0 }.stacking)
            }
            let fast = try run(fastPath: true)
            let general = try run(fastPath: false)
            #expect(fast.cells == general.cells)
            #expect(fast.result.rows == general.result.rows)
            #expect(fast.result.lines == general.result.lines)
            #expect(fast.result.problemCount == general.result.problemCount)
            #expect(fast.result.problems == general.result.problems)
            #expect(fast.stacking == general.stacking)
            // The file has good rows and bad, so both sides were exercised.
            #expect(fast.cells.count > 20)
            #expect(fast.result.problemCount > 300)
        }
    }
}

/// A small deterministic generator, so failures can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

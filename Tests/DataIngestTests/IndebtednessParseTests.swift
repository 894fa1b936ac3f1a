import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

/// Over-indebtedness, pricing and the co-funding floor from loan files: hand-worked files with
/// every boundary the definitions name, the partitioned path against the in-memory reference,
/// spills forced by a tiny budget, and temporary files gone after success and failure.
@Suite("Over-indebtedness from loan files")
struct IndebtednessParseTests {
    static let header = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status,closed_on,platform_funded_cny\n"
    static let groups = ["P1": "A", "P2": "B", "P3": "C", "P4": "D", "P5": "E"]

    /// A folder of its own, so that a test can see every file left in it.
    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func parse(_ text: String, memory: Int = 64 << 20, spillLimit: Int64? = nil, directory: String? = nil,
                      granularity: Period.Granularity = .quarter) throws -> (LoanAccumulator, LoanFileParser.Result) {
        let path = try LoanParserTests.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = LoanDetailOptions(memoryBytes: memory, temporaryDirectory: directory ?? NSTemporaryDirectory(),
                                        spillLimit: spillLimit)
        let accumulator = LoanAccumulator(granularity: granularity, expectedRows: 100, details: options)
        let result = try LoanFileParser(granularity: granularity, threads: 2).parse(path: path, into: accumulator)
        return (accumulator, result)
    }

    static func figures(_ text: String, memory: Int = 64 << 20) throws -> [Period: IndebtednessFigures] {
        let (accumulator, result) = try parse(text, memory: memory)
        #expect(result.problems.isEmpty, "\(result.problems)")
        return try accumulator.indebtedness(groupOf: { groups[$0] ?? $0 })
    }

    @Test("the definition's boundaries: originated on E, a term ending on E, closed_on before, at and after E")
    func boundaries() throws {
        // E = 2021-03-31 (2021Q1); every loan in P1 (group A), one borrower each.
        let text = Self.header + """
            L1,P1,K,on-E,10,1,2021-03-31,0.1,current,,
            L2,P1,K,ends-on-E,10,30,2021-03-01,0.1,current,,
            L3,P1,K,runs-past-E,10,31,2021-03-01,0.1,current,,
            L4,P1,K,closed-before,10,90,2021-03-01,0.1,repaid,2021-03-30,
            L5,P1,K,closed-on-E,10,90,2021-03-01,0.1,repaid,2021-03-31,
            L6,P1,K,closed-after,10,90,2021-03-01,0.1,repaid,2021-04-01,
            L7,P1,K,after-E,10,90,2021-04-01,0.1,current,,

            """
        let q1 = try #require(try Self.figures(text)[Period("2021Q1")!])
        // Outstanding: on-E, runs-past-E, closed-after.
        #expect(q1.asOf == CalendarDate(iso: "2021-03-31"))
        #expect(q1.borrowers == 3)
        #expect(q1.totalCents == 3_000)
    }

    @Test("a borrower on five groups, IDs that differ in the last byte, a quoted ID, classes, overlap, percentiles, bad amounts")
    func handWorked() throws {
        let text = Self.header + """
            L1,P1,K,X,100,90,2021-12-01,0.1,current,,
            L2,P2,K,X,100,90,2021-12-01,0.1,current,,
            L3,P3,K,X,100,90,2021-12-01,0.1,current,,
            L4,P4,K,X,100,90,2021-12-01,0.1,current,,
            L5,P5,K,X,100,90,2021-12-01,0.1,overdue,,
            L6,P1,K,B1,50,90,2021-12-01,0.1,current,,
            L7,P1,K,B2,70,90,2021-12-01,0.1,default,,
            L8,P1,K,Y,30,90,2021-12-01,0.1,current,,
            L9,P1,K,"Y",30,90,2021-12-01,0.1,current,,
            L10,P2,K,Y,40,90,2021-12-01,0.1,current,,
            L11,P3,K,Z,1000,90,2021-12-01,0.1,current,2021-12-30,

            """
        let f = try #require(try Self.figures(text)[Period("2021Q4")!])
        #expect(f.borrowers == 4)
        #expect(f.byGroups == [2, 1, 0, 0, 1])
        #expect(f.amountByGroupsCents == [12_000, 10_000, 0, 0, 50_000])
        #expect(f.shared("A", "B") == 2 && f.shared("D", "E") == 1 && f.overlap.count == 10)
        #expect(f.borrowersByGroup == ["A": 4, "B": 2, "C": 1, "D": 1, "E": 1])
        // Debts 50, 70, 100, 500 yuan: nearest rank p50 = 2nd, p90 = p99 = 4th.
        #expect(f.debtAll == DebtPercentiles(p50: 7_000, p90: 50_000, p99: 50_000, max: 50_000))
        #expect(f.debtMulti == DebtPercentiles(p50: 10_000, p90: 50_000, p99: 50_000, max: 50_000))
        #expect(f.badSingleCents == 7_000 && f.badMultiCents == 10_000)
    }

    /// A generated file: `rows` loans over 2020–2021, terms that overlap, some closed early.
    static func generated(rows: Int, seed: UInt64) -> String {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var text = header
        let start = CalendarDate(iso: "2020-01-01")!.dayNumber
        for i in 0..<rows {
            let day = start + Int(next() % 730)
            let date = CalendarDate.from(dayNumber: day)
            let term = [7, 30, 90, 91, 180, 365][Int(next() % 6)]
            let closed = next() % 5 == 0 ? CalendarDate.from(dayNumber: day + Int(next() % UInt64(term + 10))).description : ""
            let cents = 100 + Int(next() % 1_000_000)
            text += "L\(i),P\(1 + next() % 5),K,ID\(next() % UInt64(max(10, rows / 4))),\(cents / 100).\(String(format: "%02d", cents % 100)),"
                + "\(term),\(date),0.\(10 + next() % 30),\(["current", "repaid", "overdue"][Int(next() % 3)]),\(closed),\n"
        }
        return text
    }

    /// The same loans as the reference computation in the analytics core takes them.
    static func reference(_ text: String, period: Period) throws -> IndebtednessFigures {
        let names = ["A", "B", "C", "D", "E"]
        var loans: [IndebtednessLoan] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let parts = f[4].split(separator: ".")
            let cents = Int64(parts[0])! * 100 + Int64(parts.count > 1 ? parts[1] : "0")!
            loans.append(IndebtednessLoan(borrower: Array(f[3].utf8), group: names.firstIndex(of: groups[f[1]]!)!, amountCents: cents,
                                          originated: CalendarDate(iso: f[6])!.dayNumber, termDays: Int(f[5])!,
                                          closedOn: f[9].isEmpty ? nil : CalendarDate(iso: f[9])!.dayNumber,
                                          isBad: f[8] == "overdue"))
        }
        return try Indebtedness.figures(loans: loans, groups: names, asOf: period.endDate)
    }

    @Test("partitioned and spilled (a budget far too small) or in memory, every period equals the in-memory reference")
    func spilledEqualsReference() throws {
        let text = Self.generated(rows: 12_000, seed: 7)
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (small, _) = try Self.parse(text, memory: 1, directory: directory)
        #expect(small.details!.spilledBytes > 0, "the tiny budget must spill")
        let spilled = try small.indebtedness(groupOf: { Self.groups[$0]! })
        #expect(small.lastStatistics.partitionsSliced > 0, "partitions larger than the table budget are finished in slices")
        #expect(small.lastStatistics.debtsSpilled, "the debts go to a file for the percentiles")
        let inMemory = try Self.figures(text)
        #expect(spilled.count == 8)
        for (period, figures) in spilled {
            #expect(figures == inMemory[period], "\(period)")
            #expect(figures == (try Self.reference(text, period: period)), "\(period)")
        }
        // Unlinked when made: nothing in the folder, even while the accumulator still holds them.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("a full disk while spilling is an error naming the temporary folder; nothing is left behind")
    func fullDisk() throws {
        let text = Self.generated(rows: 6_000, seed: 3)
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect {
            _ = try Self.parse(text, memory: 1, spillLimit: 10_000, directory: directory)
        } throws: { error in
            "\(error)".contains("cannot write temporary data in \(directory)") && "\(error)".contains("no space left on device")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("a temporary folder that does not exist is a clear error")
    func missingTemporaryFolder() throws {
        let text = Self.generated(rows: 6_000, seed: 4)
        #expect {
            _ = try Self.parse(text, memory: 1, directory: "/nonexistent-lendscope-dir")
        } throws: { error in
            "\(error)".contains("cannot make a temporary file in /nonexistent-lendscope-dir")
        }
    }

    @Test("more than 64 groups: over-indebtedness is unavailable with the reason, never a wrong count")
    func tooManyGroups() throws {
        let text = Self.header + (0..<65).map { "L\($0),G\($0),K,b\($0 % 3),10,90,2021-12-01,0.1,current,,\n" }.joined()
        let (accumulator, _) = try Self.parse(text)
        #expect {
            _ = try accumulator.indebtedness(groupOf: { $0 })
        } throws: { error in
            guard let failure = error as? IndebtednessError else { return false }
            return failure.isDataLimit && failure.description.contains("at most 64 platform groups; the loan files have 65")
        }
        // 64 is fine.
        let (fine, _) = try Self.parse(Self.header + (0..<64).map { "L\($0),G\($0),K,b\($0 % 3),10,90,2021-12-01,0.1,current,,\n" }.joined())
        #expect(try fine.indebtedness(groupOf: { $0 })[Period("2021Q4")!]?.byGroups == [0, 0, 0, 0, 3])
    }

    @Test("bad terms, rates, closing dates and platform parts are malformed rows at their lines")
    func malformedDetails() throws {
        let text = Self.header + """
            L1,P1,K,a,10,0,2021-01-01,0.1,current,,
            L2,P1,K,a,10,30x,2021-01-01,0.1,current,,
            L3,P1,K,a,10,30,2021-01-01,10%,current,,
            L4,P1,K,a,10,30,2021-01-01,0.1234567891,current,,
            L5,P1,K,a,10,30,2021-01-02,0.1,repaid,2021-01-01,
            L6,P1,K,a,10,30,2021-01-01,0.1,repaid,2021-02-30,
            L7,P1,K,a,10,30,2021-01-01,0.1,current,,10.01
            L8,P1,K,a,10,30,2021-01-01,0.1,current,,-1
            L9,P1,K,a,10,30,2021-01-01,0.1,current,2021-01-01,10

            """
        let (_, result) = try Self.parse(text)
        #expect(result.problems.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(result.problems[0].message.contains("term_days"))
        #expect(result.problems[2].message.contains("rate_apr"))
        #expect(result.problems[4].message.contains("before the loan was originated"))
        #expect(result.problems[6].message.contains("more than the loan's amount_cny"))
    }

    @Test("pricing: rates strictly above 24% and 36%; the floor: exactly 30% complies, one fen less breaches")
    func pricingAndFloor() throws {
        // All in 2021Q1, platform P1; amounts 100 yuan unless said.
        let text = Self.header + """
            L1,P1,K,a,100,30,2021-01-05,0.24,current,,30
            L2,P1,K,b,100,30,2021-01-05,0.240000001,current,,29.99
            L3,P1,K,c,100,30,2021-01-05,0.36,current,,0
            L4,P1,K,d,100,30,2021-01-05,0.37,current,,100
            L5,P1,K,e,200,30,2021-01-05,0.1,current,,10
            L6,P1,K,f,100,30,2021-01-05,0.1,current,,

            """
        let (accumulator, result) = try Self.parse(text)
        #expect(result.problems.isEmpty)
        let figures = accumulator.figures(groupOf: { $0 })
        #expect(figures.hasPlatformFunded)
        #expect(figures.aprThresholds.map(\.description) == ["24%", "36%"])
        let terms = try #require(figures.terms[Period("2021Q1")!]?["P1"])
        #expect(terms.newCents == 70_000)
        // Above 24%: L2 (0.240000001), L3 (0.36), L4 (0.37); above 36%: L4 only.
        #expect(terms.aboveCents == [30_000, 10_000])
        // Co-funded: L1 (30 of 100), L2 (29.99), L5 (10 of 200); not L3 (platform funds none),
        // L4 (platform funds all), L6 (not stated). Below 30%: L2 and L5.
        #expect(terms.cofundedLoans == 3 && terms.cofundedCents == 40_000)
        #expect(terms.belowFloorLoans == 2 && terms.belowFloorCents == 30_000)
    }
}

extension CalendarDate {
    /// The date of a day number, by walking years and months from 1970 (for generating test files).
    static func from(dayNumber: Int) -> CalendarDate {
        var year = 1970
        while CalendarDate(year: year + 1, month: 1, day: 1)!.dayNumber <= dayNumber { year += 1 }
        var month = 1
        while month < 12 && CalendarDate(year: year, month: month + 1, day: 1)!.dayNumber <= dayNumber { month += 1 }
        return CalendarDate(year: year, month: month, day: dayNumber - CalendarDate(year: year, month: month, day: 1)!.dayNumber + 1)!
    }
}

/// The spill's packed records: every escape (long IDs, far periods, long spans, large amounts).
@Suite("Spill records")
struct BorrowerRecordTests {
    @Test("a record reads back as written", arguments: [
        (1, 0, UInt32(8_080), 1, Int64(0), false), (7, 65_535, 8_084, 126, 12_345_67, true), (254, 3, 0xFFFE, 127, 1 << 40, false),
        (255, 1, 0xFFFF, 128, Int64.max, true), (256, 2, 1_000_000, 65_535, 127, false), (65_535, 9, UInt32.max, 300, 128, true),
    ])
    func roundTrip(length: Int, platform: Int, first: UInt32, periods: Int, cents: Int64, bad: Bool) {
        let id = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: BorrowerRecord.maximumHeader + length + 16)
        defer { buffer.deallocate() }
        let size = id.withUnsafeBufferPointer {
            BorrowerRecord.write(buffer, id: $0.baseAddress!, length: length, platform: platform, firstPeriod: first,
                                 periods: periods, cents: cents, bad: bad)
        }
        let record = BorrowerRecord.read(buffer)
        #expect(record.size == size && size <= BorrowerRecord.maximumHeader + length)
        #expect(record.length == length && record.platform == platform && record.firstPeriod == UInt64(first))
        #expect(record.periods == periods && record.bad == bad && record.cents == cents)
        #expect(Array(UnsafeBufferPointer(start: record.id, count: record.length)) == id)
    }
}

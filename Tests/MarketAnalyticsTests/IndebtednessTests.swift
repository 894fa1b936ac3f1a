import Testing
@testable import MarketAnalytics

/// Over-indebtedness at a period end, on hand-worked loans.
@Suite("Over-indebtedness at a period end")
struct IndebtednessTests {
    static let end = CalendarDate(iso: "2021-12-31")!
    static func day(_ iso: String) -> Int { CalendarDate(iso: iso)!.dayNumber }
    static func id(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("day numbers: the epoch, a leap day, a century")
    func dayNumbers() {
        #expect(CalendarDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(CalendarDate(iso: "2000-03-01")!.dayNumber - CalendarDate(iso: "2000-02-28")!.dayNumber == 2)
        #expect(CalendarDate(iso: "2021-12-31")!.dayNumber == 18_992)
    }

    @Test("outstanding at E: originated on E counts; a term ending on E does not; closed_on before, at, after E")
    func boundaries() {
        let e = Self.end.dayNumber
        #expect(IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e, termDays: 1).isOutstanding(at: e))
        #expect(!IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e + 1, termDays: 30).isOutstanding(at: e))
        // Originated 30 days before E with a 30-day term: it ends on E, so it is not outstanding.
        #expect(!IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e - 30, termDays: 30).isOutstanding(at: e))
        #expect(IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e - 30, termDays: 31).isOutstanding(at: e))
        #expect(!IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e - 10, termDays: 90, closedOn: e - 1).isOutstanding(at: e))
        #expect(!IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e - 10, termDays: 90, closedOn: e).isOutstanding(at: e))
        #expect(IndebtednessLoan(borrower: [], group: 0, amountCents: 1, originated: e - 10, termDays: 90, closedOn: e + 1).isOutstanding(at: e))
    }

    @Test("a borrower on five groups, two IDs that differ in their last byte, classes, amounts, overlap, bad rates")
    func handWorked() throws {
        let groups = ["A", "B", "C", "D", "E"]
        let e = Self.end.dayNumber
        func loan(_ who: String, _ group: Int, _ yuan: Int64, bad: Bool = false, closed: Int? = nil) -> IndebtednessLoan {
            IndebtednessLoan(borrower: Self.id(who), group: group, amountCents: yuan * 100, originated: e - 10, termDays: 90,
                             closedOn: closed, isBad: bad)
        }
        let loans = [
            // X owes on all five groups: 100 each, one of them bad.
            loan("X", 0, 100), loan("X", 1, 100), loan("X", 2, 100), loan("X", 3, 100), loan("X", 4, 100, bad: true),
            // "B1" and "B2" differ in their last byte: two borrowers, one group each.
            loan("B1", 0, 50), loan("B2", 0, 70, bad: true),
            // Y owes on A twice and on B: two groups, 30 + 30 + 40.
            loan("Y", 0, 30), loan("Y", 0, 30), loan("Y", 1, 40),
            // Z's loan on C closed before E: Z owes nothing.
            loan("Z", 2, 1_000, closed: e - 1),
        ]
        let f = try Indebtedness.figures(loans: loans, groups: groups, asOf: Self.end)
        #expect(f.borrowers == 4)
        #expect(f.byGroups == [2, 1, 0, 0, 1])
        #expect(f.amountByGroupsCents == [12_000, 10_000, 0, 0, 50_000])
        #expect(f.multi == 2 && f.multiShare == 0.5)
        // X shares every pair; Y adds one to (A, B).
        #expect(f.overlap.first { $0.a == "A" && $0.b == "B" }?.borrowers == 2)
        #expect(f.overlap.first { $0.a == "D" && $0.b == "E" }?.borrowers == 1)
        #expect(f.overlap.count == 10)
        #expect(f.borrowersByGroup["A"] == 4 && f.borrowersByGroup["C"] == 1)
        // Debts: 50, 70, 100, 500 yuan. Nearest rank: p50 = 2nd (70), p90 = 4th, p99 = 4th.
        #expect(f.debtAll == DebtPercentiles(p50: 7_000, p90: 50_000, p99: 50_000, max: 50_000))
        #expect(f.debtMulti == DebtPercentiles(p50: 10_000, p90: 50_000, p99: 50_000, max: 50_000))
        // Bad by amount: single 70 of 120; multi 100 of 600.
        #expect(f.badRateSingle == 70.0 / 120.0)
        #expect(f.badRateMulti == 100.0 / 600.0)
    }

    @Test("nearest-rank percentiles on 1…100")
    func percentiles() {
        let values = (1...100).map { Int64($0) }
        #expect(DebtPercentiles.of(values) == DebtPercentiles(p50: 50, p90: 90, p99: 99, max: 100))
        #expect(DebtPercentiles.of([7]) == DebtPercentiles(p50: 7, p90: 7, p99: 7, max: 7))
        #expect(DebtPercentiles.of([]) == nil)
    }

    @Test("more than 64 groups is a clear error, not a wrong count")
    func tooManyGroups() {
        let groups = (0..<65).map { "G\($0)" }
        #expect(throws: Indebtedness.Failure.tooManyGroups(65)) {
            try Indebtedness.figures(loans: [], groups: groups, asOf: Self.end)
        }
    }
}

/// The co-funding floor and the APR thresholds, at the boundaries their texts name.
@Suite("Lending terms")
struct LendingTermsTests {
    @Test("the 30% floor: exactly 30% complies, one fen less breaches, no overflow at the largest amounts")
    func floor() {
        #expect(!CofundingFloor.isBelow(platformCents: 3_000, loanCents: 10_000))
        #expect(CofundingFloor.isBelow(platformCents: 2_999, loanCents: 10_000))
        // 30% of 1 fen is 0.3 fen: 0 is below, 1 is not.
        #expect(CofundingFloor.isBelow(platformCents: 0, loanCents: 1))
        #expect(!CofundingFloor.isBelow(platformCents: 1, loanCents: 1))
        // Products past 64 bits are compared exactly.
        let big = Int64.max - 7
        #expect(!CofundingFloor.isBelow(platformCents: big, loanCents: big))
        #expect(CofundingFloor.isBelow(platformCents: big / 10 * 3 - 1, loanCents: big))
    }

    @Test("APR thresholds are read exactly from percentages; nonsense is refused")
    func thresholds() {
        #expect(APRThreshold(percent: "24")?.billionths == 240_000_000)
        #expect(APRThreshold(percent: "15.4")?.billionths == 154_000_000)
        #expect(APRThreshold(percent: "0.0000001")?.billionths == 1)
        #expect(APRThreshold(percent: "15.4")?.description == "15.4%")
        #expect(APRThreshold.defaults.map(\.description) == ["24%", "36%"])
        for bad in ["", "0", "-1", "24%", "1e2", "1001", "2.", ".5", "24,5", "24.00000001", "２４"] {
            #expect(APRThreshold(percent: bad) == nil, "\(bad)")
        }
    }

    @Test("tallies of partitions add up to the tally of all")
    func tallyMerge() {
        var whole = IndebtednessTally(groupCount: 3)
        var first = IndebtednessTally(groupCount: 3), second = IndebtednessTally(groupCount: 3)
        let borrowers: [(UInt64, Int64, Int64)] = [(0b001, 100, 0), (0b011, 250, 50), (0b111, 10, 10), (0b100, 5, 0)]
        for (index, b) in borrowers.enumerated() {
            whole.add(mask: b.0, amount: b.1, bad: b.2)
            if index % 2 == 0 { first.add(mask: b.0, amount: b.1, bad: b.2) } else { second.add(mask: b.0, amount: b.1, bad: b.2) }
        }
        first.merge(second)
        let names = ["A", "B", "C"]
        let end = CalendarDate(iso: "2021-12-31")!
        #expect(first.figures(groups: names, asOf: end, debtAll: nil, debtMulti: nil)
                == whole.figures(groups: names, asOf: end, debtAll: nil, debtMulti: nil))
        #expect(whole.maxAll == 250 && whole.maxMulti == 250)
        let f = whole.figures(groups: names, asOf: end, debtAll: nil, debtMulti: nil)
        #expect(f.byGroups == [2, 1, 1, 0, 0] && f.shared("A", "B") == 2 && f.shared("B", "C") == 1)
        #expect(f.badSingleCents == 0 && f.badMultiCents == 60)
    }
}

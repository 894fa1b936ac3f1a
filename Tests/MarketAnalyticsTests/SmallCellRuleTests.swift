import Testing
@testable import MarketAnalytics

/// Small-cell suppression (`--min-cell`): what is hidden, what is not, and that what is hidden
/// cannot be worked back by subtraction.
@Suite("Small-cell suppression")
struct SmallCellRuleTests {
    typealias Cell = SuppressedIndebtedness.Cell
    static let end = CalendarDate(iso: "2021-12-31")!

    /// Figures of a population: so many borrowers owing to each set of groups (indices into
    /// `groups`), 100 yuan a loan, the first loan of every tenth borrower bad.
    static func figures(_ population: [(groups: [Int], count: Int)], groups: [String] = ["A", "B", "C", "D", "E", "F", "G"])
        throws -> IndebtednessFigures {
        let e = end.dayNumber
        var loans: [IndebtednessLoan] = []
        var serial = 0
        for (set, count) in population {
            for _ in 0..<count {
                serial += 1
                for (n, group) in set.enumerated() {
                    loans.append(IndebtednessLoan(borrower: Array("b\(serial)".utf8), group: group, amountCents: 10_000 + Int64(serial),
                                                  originated: e - 10, termDays: 90, isBad: n == 0 && serial % 10 == 0))
                }
            }
        }
        return try Indebtedness.figures(loans: loans, groups: groups, asOf: end)
    }

    /// An independent check of rule (2): a hidden count is recoverable when its column raises the
    /// rank of the hidden columns of the published sums (floating-point elimination, every cell its
    /// own column, unlike the rule's exact one with groups and pairs pooled).
    static func recoverable(_ f: IndebtednessFigures, _ view: SuppressedIndebtedness) -> [Cell] {
        let sums = SmallCellRule.identities(f)
        let hidden = Array(Set(sums.flatMap { $0.terms.map(\.cell) }).filter { view.reason($0) != nil })
        func rank(_ columns: [Cell]) -> Int {
            var m = sums.map { sum in columns.map { c in Double(sum.terms.filter { $0.cell == c }.reduce(0) { $0 + $1.coefficient }) } }
            var r = 0
            for c in columns.indices where r < m.count {
                guard let p = (r..<m.count).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[p][c]) > 1e-9 else { continue }
                m.swapAt(r, p)
                for i in m.indices where i != r {
                    let k = m[i][c] / m[r][c]
                    m[i] = zip(m[i], m[r]).map { $0.0 - k * $0.1 }
                }
                r += 1
            }
            return r
        }
        let full = rank(hidden)
        return hidden.filter { cell in view.reason(cell) == .fewerThanMinimum && rank(hidden.filter { $0 != cell }) < full }
    }

    @Test("--min-cell 0 and 1 are off: every figure shown, nothing counted")
    func off() throws {
        let f = try Self.figures([([0], 30), ([0, 1], 3), ([1, 2, 3], 1)])
        for n in [0, 1] {
            let view = SmallCellRule(minimum: n).apply(f)
            #expect(!SmallCellRule(minimum: n).isOn)
            #expect(view.hidden.isEmpty && view.cells == 0)
            #expect(view.byGroups == f.byGroups.map(Optional.some))
            #expect(view.debt(.all)?.value(.max) == f.debtAll?.max)
            #expect(view.shared("B", "C") == 1)
        }
    }

    @Test("fewer than N is hidden: exactly N shown, N − 1 hidden, 0 shown")
    func boundary() throws {
        // A & B: 10 borrowers; B & C: 30; C & D: none.
        let f = try Self.figures([([0], 200), ([1], 200), ([2], 200), ([3], 200), ([0, 1], 10), ([1, 2], 30)])
        let ten = SmallCellRule(minimum: 10).apply(f)
        #expect(ten.shared("A", "B") == 10 && ten.reason(.overlap("A", "B")) == nil)
        #expect(ten.shared("C", "D") == 0 && ten.reason(.overlap("C", "D")) == nil)
        #expect(ten.byGroups == [800, 40, 0, 0, 0]) // nobody on 3+ groups: shown as 0
        let eleven = SmallCellRule(minimum: 11).apply(f)
        #expect(eleven.shared("A", "B") == nil && eleven.reason(.overlap("A", "B")) == .fewerThanMinimum)
        #expect(eleven.shared("C", "D") == 0)
        #expect(SmallCellRule(minimum: 10).isSmall(9) && !SmallCellRule(minimum: 10).isSmall(10))
        #expect(!SmallCellRule(minimum: 10).isSmall(0) && !SmallCellRule(minimum: 1).isSmall(0))
    }

    @Test("the max is always hidden when the rule is on; a percentile is hidden when fewer than N owe at least it")
    func percentiles() throws {
        // 1,000 borrowers on one group: p99 is rank 990, 11 owe at least it; p90 rank 900, 101.
        let f = try Self.figures([([0], 1_000)])
        let two = SmallCellRule(minimum: 2).apply(f)
        #expect(two.debt(.all)?.value(.max) == nil && two.reason(.debt(.all, .max)) == .fewerThanMinimum)
        #expect(two.debt(.all)?.value(.p99) == f.debtAll?.p99)
        #expect(SmallCellRule(minimum: 11).apply(f).debt(.all)?.value(.p99) == f.debtAll?.p99)
        #expect(SmallCellRule(minimum: 12).apply(f).debt(.all)?.value(.p99) == nil)
        #expect(SmallCellRule(minimum: 12).apply(f).debt(.all)?.value(.p90) == f.debtAll?.p90)
        // Under 100 borrowers the nearest-rank p99 is the max itself: hidden with it.
        let small = try Self.figures([([0], 99)])
        #expect(small.debtAll?.p99 == small.debtAll?.max)
        #expect(SmallCellRule(minimum: 2).apply(small).debt(.all)?.value(.p99) == nil)
        // A class under N: its whole row; an empty class stays nil (no percentiles at all).
        let few = try Self.figures([([0], 500), ([0, 1], 4)])
        let view = SmallCellRule(minimum: 5).apply(few)
        #expect(view.debt(.multi).map { $0.values.isEmpty } == true)
        #expect(SmallCellRule(minimum: 5).apply(try Self.figures([([0], 50)])).debt(.multi) == nil)
    }

    @Test("a hidden class takes its amount, its bad amount and its shares with it; with two classes, both go")
    func classFigures() throws {
        let f = try Self.figures([([0], 300), ([1], 300), ([0, 1], 5)])
        let view = SmallCellRule(minimum: 10).apply(f)
        #expect(view.reason(.byGroups(1)) == .fewerThanMinimum && view.amountByGroupsCents[1] == nil)
        #expect(view.multi == nil && view.multiCents == nil && view.multiShare == nil)
        #expect(view.badMultiCents == nil && view.badRateMulti == nil && view.reason(.badMulti) == .fewerThanMinimum)
        // All borrowers = class 1 + class 2: with the total shown, class 1 would give class 2 away.
        #expect(view.borrowers == 605)
        #expect(view.reason(.byGroups(0)) == .complementary && view.badRateSingle == nil && view.singleCents == nil)
        #expect(Self.recoverable(f, view).isEmpty)
    }

    @Test("one class hidden with the total shown: the next-smallest class is hidden too")
    func nextSmallestClass() throws {
        // Someone owes on 5+ groups of 7, so only the class sums apply.
        let f = try Self.figures([([0], 500), ([0, 1], 40), ([0, 1, 2], 12), ([0, 1, 2, 3], 3), ([0, 1, 2, 3, 4, 5], 20)])
        #expect(f.byGroups == [500, 40, 12, 3, 20])
        let view = SmallCellRule(minimum: 10).apply(f)
        #expect(view.reason(.byGroups(3)) == .fewerThanMinimum)
        #expect(view.reason(.byGroups(2)) == .complementary) // 12, the smallest other class
        #expect(view.reason(.amountByGroups(2)) == .complementary)
        #expect(view.byGroups == [500, 40, nil, nil, 20])
        #expect(view.borrowers == 575 && view.multi == 75 && view.multi3 == 35)
        // Classes 3 and 4 and their amounts; the maxima; p99 of all (6 owe at least it), p90 and p99
        // of the 75 on 2+ groups (8 and 1).
        #expect(view.cells == 9 && view.complementaryCells == 2)
        #expect(Self.recoverable(f, view).isEmpty)
    }

    @Test("with nobody on 5+ groups the group totals would give two hidden classes back: a group is hidden too")
    func groupTotals() throws {
        let f = try Self.figures([([0], 300), ([1], 150), ([2], 100), ([3], 20), ([0, 1], 40), ([0, 1, 2], 12), ([0, 1, 2, 3], 3)])
        #expect(f.byGroups == [570, 40, 12, 3, 0])
        // Σ group borrowers = c1 + 2·c2 + 3·c3 + 4·c4 and Σ pairs = c2 + 3·c3 + 6·c4 hold exactly.
        let groupSum: Int = f.borrowersByGroup.values.reduce(0, +), pairSum: Int = f.overlap.map(\.borrowers).reduce(0, +)
        #expect(groupSum == 570 + 2 * 40 + 3 * 12 + 4 * 3)
        #expect(pairSum == 40 + 3 * 12 + 6 * 3)
        // The classes' sum alone would hide 3 and 12; with 12 hidden as well, T and the group
        // totals still give c3 + c4 and 3·c3 + 4·c4, so both.
        let classesOnly: Set<Cell> = [.byGroups(2), .byGroups(3)]
        #expect(!Self.recoverable(f, SuppressedIndebtedness(rule: SmallCellRule(minimum: 10), figures: f,
                                                            hidden: [.byGroups(3): .fewerThanMinimum, .byGroups(2): .complementary]))
            .isEmpty, "the simple rule is not enough here")
        let view = SmallCellRule(minimum: 10).apply(f)
        #expect(Set(view.hidden.keys).isSuperset(of: classesOnly))
        #expect(view.hidden.keys.contains { if case .groupBorrowers = $0 { return view.reason($0) == .complementary } else { return false } })
        #expect(Self.recoverable(f, view).isEmpty)
    }

    @Test("pairs under N are never left alone in their sum: two pairs of one borrower would be pinned by it")
    func pairsSum() throws {
        // Two pairs of 1 borrower each, every class shown: their total 2 means 1 and 1.
        let f = try Self.figures([([0], 300), ([1], 300), ([2], 300), ([0, 1], 20), ([1, 2], 1), ([0, 2], 1)])
        let view = SmallCellRule(minimum: 10).apply(f)
        #expect(view.reason(.overlap("B", "C")) == .fewerThanMinimum && view.reason(.overlap("A", "C")) == .fewerThanMinimum)
        #expect(view.reason(.overlap("A", "B")) == .complementary) // the smallest cell of the sum that was shown
        #expect(Self.recoverable(f, view).isEmpty)
    }

    @Test("a share is hidden with its numerator or its row group's count; hidden groups go last, by name")
    func groupShares() throws {
        let f = try Self.figures([([0], 300), ([1], 300), ([0, 1], 30), ([2], 4), ([0, 2], 2)])
        let rule = SmallCellRule(minimum: 10)
        let groupHidden = SuppressedIndebtedness(rule: rule, figures: f, hidden: [.groupBorrowers("C"): .fewerThanMinimum])
        #expect(groupHidden.borrowersByGroup["C"] == .some(nil))
        #expect(groupHidden.share(row: "C", column: "A") == nil) // 2 of C's 6
        #expect(groupHidden.share(row: "A", column: "C") == 2.0 / 332)
        #expect(groupHidden.share(row: "A", column: "B") == 30.0 / 332)
        let pairHidden = SuppressedIndebtedness(rule: rule, figures: f, hidden: [.overlap("A", "B"): .complementary])
        #expect(pairHidden.share(row: "A", column: "B") == nil && pairHidden.share(row: "B", column: "A") == nil)
        #expect(rule.apply(f).groupsByBorrowers.last == "C")
        #expect(Self.recoverable(f, rule.apply(f)).isEmpty)
    }

    @Test("random populations: no hidden count under N can be worked back from the sums", arguments: [3, 10, 25])
    func randomPopulations(minimum: Int) throws {
        var generator = SplitMix(seed: UInt64(minimum))
        for _ in 0..<40 {
            var population: [(groups: [Int], count: Int)] = []
            for _ in 0..<Int.random(in: 3...14, using: &generator) {
                let size = [1, 1, 1, 2, 2, 3, 4, 5].randomElement(using: &generator)!
                let set = Array(Array(0..<6).shuffled(using: &generator).prefix(size))
                population.append((set, [1, 2, 3, 5, 8, 13, 40, 120].randomElement(using: &generator)!))
            }
            let f = try Self.figures(population, groups: ["A", "B", "C", "D", "E", "F"])
            let view = SmallCellRule(minimum: minimum).apply(f)
            #expect(Self.recoverable(f, view).isEmpty, "\(population)")
            // Every sum holding a hidden count under N holds one of N or more, unless all its counts are under N.
            for sum in SmallCellRule.identities(f) {
                let inside = sum.terms.map(\.cell).filter { view.reason($0) != nil }
                let shownNonZero = sum.terms.contains { view.reason($0.cell) == nil && SmallCellRule.counts(f)[$0.cell]! > 0 }
                #expect(inside.isEmpty || !shownNonZero || inside.contains { view.reason($0) == .complementary })
            }
        }
    }

    @Test("stacking: counts under N and their amounts hidden, shares with them")
    func stacking() {
        let s = StackingFigures(borrowers: 200, multiPlatform2: 10, multiPlatform3: 9, amountMultiPlatform2: 1_000, amountMultiPlatform3: 900)
        let view = SmallCellRule(minimum: 10).apply(s)
        #expect(view.multiPlatform2 == 10 && view.amountMultiPlatform2 == 1_000 && view.share(.multiPlatform2) == 0.05)
        #expect(view.multiPlatform3 == nil && view.amountMultiPlatform3 == nil && view.share(.multiPlatform3) == nil)
        #expect(view.cells == 2)
        #expect(SmallCellRule.off.apply(s).multiPlatform3 == 9)
    }
}

/// A small seeded generator: the random tests are the same on every run.
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

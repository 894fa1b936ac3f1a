/// Complementary suppression: hiding the counts under N is not enough when the counts shown add
/// up to them. The published counts of a period end obey these sums (c1…c5 the classes by number
/// of groups, T all borrowers, M2 and M3 those on 2+ and 3+ groups):
///
///     T  = c1 + c2 + c3 + c4 + c5
///     M2 = c2 + c3 + c4 + c5
///     M3 = c3 + c4 + c5
///     Σ each group's borrowers = c1 + 2·c2 + 3·c3 + 4·c4 + Σ (groups of each borrower on 5+)
///     Σ each pair's borrowers  = c2 + 3·c3 + 6·c4 + Σ (pairs of each borrower on 5+)
///
/// The last two are exact (and published, through `group_borrowers` and `overlap`) when nobody
/// owes to 5 or more groups, or when only 5 groups have borrowers (5 and 10 per 5+ borrower);
/// otherwise the 5+ borrowers' unknown spread hides them. With one class hidden and T shown, the
/// first gives it away; with two classes hidden and every group's count shown, the first and the
/// fourth together give both away (c3 + c4 and 3·c3 + 4·c4: the tests' `groupTotals` case).
///
/// So cells are added, smallest first, until (1) every sum holding a hidden count under N also
/// holds a hidden count of N or more (hidden counts under N alone, say two pairs of 1 borrower
/// each, would be pinned by their sum and the bounds 1…N−1), and (2) no hidden count is fixed by
/// the sums taken together: exact elimination over the hidden cells finds none alone in a row.
/// What this does not cover is said in the README (ranges, other periods, outside knowledge).
extension SmallCellRule {
    typealias Cell = SuppressedIndebtedness.Cell

    /// One published sum, as terms that add to zero.
    struct Identity {
        var terms: [(cell: Cell, coefficient: Int)]
    }

    /// Every count a figure set publishes, numbered (the classes, 3+, 2+, all, then the groups by
    /// name, then the pairs: the order that breaks ties between equal counts, so the next-smallest
    /// class goes first), and the sums above that hold exactly for it, over those numbers.
    struct Published {
        var cells: [Cell] = []
        var value: [Int] = []
        var sums: [[(cell: Int, coefficient: Int)]] = []

        init(_ f: IndebtednessFigures) {
            func add(_ cell: Cell, _ count: Int) -> Int {
                cells.append(cell)
                value.append(count)
                return cells.count - 1
            }
            let classes = (0..<5).map { add(.byGroups($0), f.byGroups[$0]) }
            let multi3 = add(.multi3, f.multi3), multi = add(.multi, f.multi), all = add(.borrowers, f.borrowers)
            let groups = f.borrowersByGroup.keys.sorted().map { add(.groupBorrowers($0), f.borrowersByGroup[$0]!) }
            let pairs = f.overlap.map { add(.overlap($0.a, $0.b), $0.borrowers) }
            sums = [
                [(all, 1)] + classes.map { ($0, -1) },
                [(multi, 1)] + classes.dropFirst().map { ($0, -1) },
                [(multi3, 1)] + classes.dropFirst(2).map { ($0, -1) },
            ]
            if f.byGroups[4] == 0 || f.borrowersByGroup.count == 5 {
                sums.append(groups.map { ($0, 1) } + zip(classes, [1, 2, 3, 4, 5]).map { ($0.0, -$0.1) })
                sums.append(pairs.map { ($0, 1) } + zip(classes, [0, 1, 3, 6, 10]).filter { $0.1 > 0 }.map { ($0.0, -$0.1) })
            }
        }
    }

    /// The sums above that hold exactly for `f`, by cell.
    static func identities(_ f: IndebtednessFigures) -> [Identity] {
        let published = Published(f)
        return published.sums.map { Identity(terms: $0.map { (published.cells[$0.cell], $0.coefficient) }) }
    }

    /// Every count a figure set publishes, by cell.
    static func counts(_ f: IndebtednessFigures) -> [Cell: Int] {
        let published = Published(f)
        return Dictionary(uniqueKeysWithValues: zip(published.cells, published.value))
    }

    /// The hidden counts: those under N, then the complements.
    /// - Complexity: O(cells) a complement, for at most five sums, on numbered cells.
    func hiddenCounts(_ f: IndebtednessFigures) -> [Cell: SuppressionReason] {
        let published = Published(f)
        let (cells, value, terms) = (published.cells, published.value, published.sums)
        var reason: [SuppressionReason?] = value.map { isSmall($0) ? .fewerThanMinimum : nil }
        guard reason.contains(where: { $0 != nil }) else { return [:] }
        let kind = cells.indices.map { index -> Column in
            switch cells[index] {
            case .groupBorrowers: return .groups
            case .overlap: return .pairs
            default: return .count(index)
            }
        }
        func smallestShown(_ candidates: [Int]) -> Int? {
            candidates.filter { reason[$0] == nil && value[$0] > 0 }.min { (value[$0], $0) < (value[$1], $1) } // ties: by number
        }
        while true {
            // (1) A sum whose hidden cells are all under N gets one of N or more.
            if let pick = terms.lazy.compactMap({ sum -> Int? in
                let inside = sum.filter { reason[$0.cell] != nil }
                guard !inside.isEmpty, inside.allSatisfy({ reason[$0.cell] == .fewerThanMinimum }) else { return nil }
                return smallestShown(sum.map(\.cell))
            }).first {
                reason[pick] = .complementary
                continue
            }
            // (2) No hidden count fixed by the sums together.
            if let combination = Self.fixingCombination(terms, kind: kind, reason: reason), let pick = smallestShown(combination) {
                reason[pick] = .complementary
                continue
            }
            break
        }
        var hidden: [Cell: SuppressionReason] = [:]
        for (index, cell) in cells.enumerated() { if let why = reason[index] { hidden[cell] = why } }
        return hidden
    }

    /// A column of the elimination: a count of the classes' block (by its number), or the hidden
    /// groups' total, or the hidden pairs'.
    enum Column: Hashable {
        case count(Int), groups, pairs
    }

    /// The shown cells (by number) of a combination of sums that fixes a hidden count, if one does:
    /// exact Gauss–Jordan elimination over the hidden cells, each row carrying the combination of
    /// sums it came from.
    ///
    /// Each group's borrowers and each pair's appear in one sum only, with coefficient 1, so the
    /// hidden ones of each kind are one column (their total): one of them is fixed only when it is
    /// alone in its kind, and a total of several under N is treated as fixed too (rule 1's case,
    /// met through a combination).
    static func fixingCombination(_ sums: [[(cell: Int, coefficient: Int)]], kind: [Column],
                                  reason: [SuppressionReason?]) -> [Int]? {
        var columns: [Column: Int] = [:]
        var members: [(count: Int, underN: Bool, complement: Bool)] = []
        var seen = Set<Int>()
        for sum in sums {
            for term in sum where reason[term.cell] != nil && seen.insert(term.cell).inserted {
                let c = kind[term.cell]
                if columns[c] == nil {
                    columns[c] = members.count
                    members.append((0, false, false))
                }
                let position = columns[c]!
                members[position].count += 1
                if reason[term.cell] == .fewerThanMinimum { members[position].underN = true } else { members[position].complement = true }
            }
        }
        let width = members.count
        guard width > 0 else { return nil }
        // Rows: coefficients over the hidden columns, then the sums' multipliers.
        var rows: [[Int]] = sums.enumerated().map { index, sum in
            var row = [Int](repeating: 0, count: width + sums.count)
            for term in sum where reason[term.cell] != nil { row[columns[kind[term.cell]]!] += term.coefficient }
            row[width + index] = 1
            return row
        }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        func normalised(_ row: [Int]) -> [Int] {
            let g = row.reduce(0, gcd)
            return g > 1 ? row.map { $0 / g } : row
        }
        var pivotRow = 0
        for c in 0..<width where pivotRow < rows.count {
            guard let found = (pivotRow..<rows.count).first(where: { rows[$0][c] != 0 }) else { continue }
            rows.swapAt(pivotRow, found)
            for r in rows.indices where r != pivotRow && rows[r][c] != 0 {
                let (p, v) = (rows[pivotRow][c], rows[r][c])
                rows[r] = normalised(zip(rows[r], rows[pivotRow]).map { p * $0.0 - v * $0.1 })
            }
            pivotRow += 1
        }
        for row in rows {
            let support = (0..<width).filter { row[$0] != 0 }
            guard support.count == 1 else { continue }
            // A count under N fixed alone, or a kind's total that is one cell under N or several all
            // under N (pinned by the bounds 1…N−1 when extreme). A complement fixed alone gives
            // nothing away by itself: had it fixed a count under N, that count had a row too.
            let inside = members[support[0]]
            guard inside.underN, inside.count == 1 || !inside.complement else { continue }
            // The shown cells of the combination (their net coefficient not zero).
            var net: [Int: Int] = [:]
            var order: [Int] = []
            for (index, sum) in sums.enumerated() where row[width + index] != 0 {
                for term in sum where reason[term.cell] == nil {
                    if net[term.cell] == nil { order.append(term.cell) }
                    net[term.cell, default: 0] += row[width + index] * term.coefficient
                }
            }
            return order.filter { net[$0] != 0 }
        }
        return nil
    }
}

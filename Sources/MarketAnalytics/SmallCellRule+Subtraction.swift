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

    /// The sums above that hold exactly for `f`.
    static func identities(_ f: IndebtednessFigures) -> [Identity] {
        let classes = (0..<5).map { Cell.byGroups($0) }
        var sums = [
            Identity(terms: [(.borrowers, 1)] + classes.map { ($0, -1) }),
            Identity(terms: [(.multi, 1)] + classes.dropFirst().map { ($0, -1) }),
            Identity(terms: [(.multi3, 1)] + classes.dropFirst(2).map { ($0, -1) }),
        ]
        if f.byGroups[4] == 0 || f.borrowersByGroup.count == 5 {
            sums.append(Identity(terms: f.borrowersByGroup.keys.sorted().map { (Cell.groupBorrowers($0), 1) }
                                 + zip(classes, [1, 2, 3, 4, 5]).map { ($0.0, -$0.1) }))
            sums.append(Identity(terms: f.overlap.map { (Cell.overlap($0.a, $0.b), 1) }
                                 + zip(classes, [0, 1, 3, 6, 10]).filter { $0.1 > 0 }.map { ($0.0, -$0.1) }))
        }
        return sums
    }

    /// Every count a figure set publishes, by cell.
    static func counts(_ f: IndebtednessFigures) -> [Cell: Int] {
        var counts: [Cell: Int] = [.borrowers: f.borrowers, .multi: f.multi, .multi3: f.multi3]
        for (index, count) in f.byGroups.enumerated() { counts[.byGroups(index)] = count }
        for (group, count) in f.borrowersByGroup { counts[.groupBorrowers(group)] = count }
        for pair in f.overlap { counts[.overlap(pair.a, pair.b)] = pair.borrowers }
        return counts
    }

    /// The hidden counts: those under N, then the complements.
    func hiddenCounts(_ f: IndebtednessFigures) -> [Cell: SuppressionReason] {
        let counts = Self.counts(f)
        var hidden: [Cell: SuppressionReason] = [:]
        for (cell, count) in counts where isSmall(count) { hidden[cell] = .fewerThanMinimum }
        guard !hidden.isEmpty else { return hidden }
        let sums = Self.identities(f)
        // Ties go to the classes first ("the next-smallest class"), then groups, then pairs, by name.
        func order(_ cell: Cell) -> (Int, Int, String, String) {
            switch cell {
            case .byGroups(let index): return (counts[cell]!, index, "", "")
            case .multi3: return (counts[cell]!, 5, "", "")
            case .multi: return (counts[cell]!, 6, "", "")
            case .borrowers: return (counts[cell]!, 7, "", "")
            case .groupBorrowers(let name): return (counts[cell]!, 8, name, "")
            case .overlap(let a, let b): return (counts[cell]!, 9, a, b)
            default: return (counts[cell] ?? 0, 10, "", "")
            }
        }
        func smallestShown(_ cells: [Cell]) -> Cell? {
            cells.filter { hidden[$0] == nil && counts[$0]! > 0 }.min { order($0) < order($1) }
        }
        while true {
            // (1) A sum whose hidden cells are all under N gets one of N or more.
            if let pick = sums.lazy.compactMap({ sum -> Cell? in
                let inside = sum.terms.map(\.cell).filter { hidden[$0] != nil }
                guard !inside.isEmpty, inside.allSatisfy({ hidden[$0] == .fewerThanMinimum }) else { return nil }
                return smallestShown(sum.terms.map(\.cell))
            }).first {
                hidden[pick] = .complementary
                continue
            }
            // (2) No hidden count fixed by the sums together.
            if let combination = Self.fixingCombination(sums, hidden: hidden),
               let pick = smallestShown(combination) {
                hidden[pick] = .complementary
                continue
            }
            return hidden
        }
    }

    /// The shown cells of a combination of sums that fixes a hidden count, if one does: exact
    /// Gauss–Jordan elimination over the hidden cells, each row carrying the combination of sums
    /// it came from.
    ///
    /// Each group's borrowers and each pair's appear in one sum only, with coefficient 1, so the
    /// hidden ones of each kind are one column (their total): one of them is fixed only when it is
    /// alone in its kind, and a total of several under N is treated as fixed too (rule 1's case,
    /// met through a combination).
    static func fixingCombination(_ sums: [Identity], hidden: [Cell: SuppressionReason]) -> [Cell]? {
        enum Column: Hashable { case count(Cell), groups, pairs }
        func column(_ cell: Cell) -> Column {
            switch cell {
            case .groupBorrowers: return .groups
            case .overlap: return .pairs
            default: return .count(cell)
            }
        }
        var columns: [Column] = []
        var members: [Column: [Cell]] = [:]
        for sum in sums {
            for term in sum.terms where hidden[term.cell] != nil {
                let c = column(term.cell)
                if members[c] == nil { columns.append(c) }
                if !(members[c]?.contains(term.cell) ?? false) { members[c, default: []].append(term.cell) }
            }
        }
        guard !columns.isEmpty else { return nil }
        let width = columns.count
        // Rows: coefficients over the hidden columns, then the sums' multipliers.
        var rows: [[Int]] = sums.enumerated().map { index, sum in
            var row = [Int](repeating: 0, count: width + sums.count)
            for term in sum.terms where hidden[term.cell] != nil {
                row[columns.firstIndex(of: column(term.cell))!] += term.coefficient
            }
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
            let inside = members[columns[support[0]]] ?? []
            guard inside.contains(where: { hidden[$0] == .fewerThanMinimum }),
                  inside.count == 1 || !inside.contains(where: { hidden[$0] == .complementary }) else { continue }
            // The shown cells of the combination (their net coefficient not zero).
            var net: [Cell: Int] = [:]
            var order: [Cell] = []
            for (index, sum) in sums.enumerated() where row[width + index] != 0 {
                for term in sum.terms where hidden[term.cell] == nil {
                    if net[term.cell] == nil { order.append(term.cell) }
                    net[term.cell, default: 0] += row[width + index] * term.coefficient
                }
            }
            return order.filter { net[$0] != 0 }
        }
        return nil
    }
}

/// The market-share presumption of dominance in the PRC Anti-Monopoly Law, applied as written.
///
/// Art. 19 (2008, in force 2008-08-01), renumbered art. 24 by the 2022 amendment (in force 2022-08-01):
/// "有下列情形之一的，可以推定经营者具有市场支配地位：（一）一个经营者在相关市场的市场份额达到二分之一的；
/// （二）两个经营者在相关市场的市场份额合计达到三分之二的；（三）三个经营者在相关市场的市场份额合计达到四分之三的。
/// 有前款第二项、第三项规定的情形，其中有的经营者市场份额不足十分之一的，不应当推定该经营者具有市场支配地位。"
/// — dominance may be presumed where one undertaking reaches 1/2, two together reach 2/3, or three
/// together reach 3/4; in the two- and three-firm cases an undertaking below 1/10 shall not be
/// presumed dominant. Its share still counts in the joint sum: only the presumption skips it.
/// "Reaches" (达到) includes the threshold; "below" (不足) excludes exactly 1/10.
/// "Two (three) undertakings" is read as written, any two (three): an undertaking falls under a
/// joint clause when it and the largest one (two) of the others reach the threshold together, so
/// firms tied for a place are treated alike.
public struct ChinaAMLPresumption: Sendable {
    /// Which clause (1, 2 or 3 undertakings) is met; empty when none.
    public let clauses: [Int]
    /// The undertakings presumed dominant, largest first; empty when none.
    public let presumedDominant: [String]
    /// Undertakings counted in a joint sum but not presumed dominant (below 1/10).
    public let countedNotPresumed: [String]
    /// Per clause met (1, 2 or 3): the undertakings it presumes dominant and those it counts but
    /// does not presume, largest first.
    public let byClause: [Int: (presumed: [String], counted: [String])]
    /// The joint share of the largest one, two and three undertakings (fractions).
    public let topShares: [Double]
    /// The article in force on the period's date, e.g. "art. 24 (2022 amendment)".
    public let article: String

    /// The day the 2022 amendment came into force, renumbering art. 19 as art. 24.
    public static let amendmentInForce = CalendarDate(year: 2022, month: 8, day: 1)!

    /// The article citing the presumption on `date`.
    public static func article(on date: CalendarDate) -> String {
        date >= amendmentInForce ? "art. 24 (2022 amendment, in force 2022-08-01)" : "art. 19 (2008 law)"
    }

    /// - Parameters:
    ///   - undertakings: names and sizes (balances, or shares), in any order.
    ///   - total: the market the sizes are a part of (the market total, or 1 for shares).
    ///   - date: the period's end date, which picks the article.
    /// Comparisons multiply instead of dividing (2·a ≥ total, 3·(a + b) ≥ 2·total, …), so a share of
    /// exactly 1/2, 2/3, 3/4 or 1/10 of whole-yuan amounts is decided exactly.
    public init(undertakings: [(name: String, size: Double)], total: Double, date: CalendarDate) {
        let ranked = undertakings.filter { $0.size > 0 }.sorted { ($0.size, $1.name) > ($1.size, $0.name) }
        article = Self.article(on: date)
        guard total > 0, !ranked.isEmpty else {
            clauses = []
            presumedDominant = []
            countedNotPresumed = []
            byClause = [:]
            topShares = []
            return
        }
        var clauses: [Int] = []
        var presumed: [String] = []
        var counted: [String] = []
        var byClause: [Int: (presumed: [String], counted: [String])] = [:]
        func add(_ name: String, to list: inout [String]) { if !list.contains(name) { list.append(name) } }
        // One undertaking reaching 1/2 (ties: each that does).
        for firm in ranked where 2 * firm.size >= total {
            if !clauses.contains(1) { clauses.append(1) }
            add(firm.name, to: &presumed)
            byClause[1, default: ([], [])].presumed.append(firm.name)
        }
        let tests: [(count: Int, numerator: Double, denominator: Double)] = [(2, 2, 3), (3, 3, 4)]
        for test in tests where ranked.count >= test.count {
            var met = false
            for (position, firm) in ranked.enumerated() {
                // The firm with the largest others: the best group of this size that includes it.
                let partners = ranked.enumerated().filter { $0.offset != position }.prefix(test.count - 1).map(\.element)
                let joint = firm.size + partners.reduce(0) { $0 + $1.size }
                guard test.denominator * joint >= test.numerator * total else { continue }
                met = true
                if 10 * firm.size < total {
                    add(firm.name, to: &counted)
                    byClause[test.count, default: ([], [])].counted.append(firm.name)
                } else {
                    add(firm.name, to: &presumed)
                    byClause[test.count, default: ([], [])].presumed.append(firm.name)
                }
            }
            if met { clauses.append(test.count) }
        }
        self.clauses = clauses
        self.byClause = byClause
        // A firm presumed under one clause is not listed as "not presumed" under another.
        self.presumedDominant = ranked.map(\.name).filter { presumed.contains($0) }
        self.countedNotPresumed = ranked.map(\.name).filter { counted.contains($0) && !presumed.contains($0) }
        var running = 0.0
        self.topShares = ranked.prefix(3).map { running += $0.size; return running / total }
    }
}

import MarketAnalytics

/// `indebtedness` in `report --format json`: the figures at a period end, amounts in yuan. Under
/// `--min-cell` a hidden figure is null (the report's `suppression` says how many and why); a
/// percentile row of an empty class stays null as a whole, a hidden one is an object of nulls.
public struct IndebtednessJSON: Encodable {
    /// The definition in words, carried with the figures so a reader of the file has it.
    public static let definition = Indebtedness.definition

    let figures: SuppressedIndebtedness

    public init(_ figures: SuppressedIndebtedness) { self.figures = figures }

    public init(_ figures: IndebtednessFigures) { self.init(SmallCellRule.off.apply(figures)) }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", definition, borrowers, byGroups = "by_groups", amountByGroups = "amount_by_groups", overlap
        case debtPercentiles = "debt_percentiles", badRate = "bad_rate"
    }

    struct Percentiles: Encodable {
        let p: SuppressedIndebtedness.Percentiles
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONReport.DynamicKey.self)
            // Fen to yuan as JSON doubles: exact to the fen below 2^53 fen (90 trillion yuan), the nearest double above.
            for point in DebtPercentiles.Point.allCases {
                try c.encode(p.value(point).map { Double($0) / 100 }, forKey: JSONReport.DynamicKey(point.name))
            }
        }
    }

    struct Pair: Encodable {
        let a: String
        let b: String
        let borrowers: Int?
        enum CodingKeys: String, CodingKey { case a, b, borrowers }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(a, forKey: .a)
            try c.encode(b, forKey: .b)
            try c.encode(borrowers, forKey: .borrowers)
        }
    }

    /// The classes `1`…`5+` as keys, each value or null.
    struct Classes<Value: Encodable>: Encodable {
        let values: [Value?]
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONReport.DynamicKey.self)
            for (index, name) in IndebtednessFigures.classNames.enumerated() { try c.encode(values[index], forKey: JSONReport.DynamicKey(name)) }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(figures.asOf.description, forKey: .asOf)
        try c.encode(Self.definition, forKey: .definition)
        try c.encode(figures.borrowers, forKey: .borrowers)
        try c.encode(Classes(values: figures.byGroups), forKey: .byGroups)
        try c.encode(Classes(values: figures.amountByGroupsCents.map { $0.map { Double($0) / 100 } }), forKey: .amountByGroups)
        try c.encode(figures.overlap.map { Pair(a: $0.a, b: $0.b, borrowers: $0.borrowers) }, forKey: .overlap)
        var debts = c.nestedContainer(keyedBy: JSONReport.DynamicKey.self, forKey: .debtPercentiles)
        try debts.encode(figures.debt(.all).map(Percentiles.init), forKey: JSONReport.DynamicKey("all"))
        try debts.encode(figures.debt(.multi).map(Percentiles.init), forKey: JSONReport.DynamicKey("multi"))
        var bad = c.nestedContainer(keyedBy: JSONReport.DynamicKey.self, forKey: .badRate)
        try bad.encode(figures.badRateSingle, forKey: JSONReport.DynamicKey("single"))
        try bad.encode(figures.badRateMulti, forKey: JSONReport.DynamicKey("multi"))
    }
}

/// `suppression` in `report --format json`: null when `--min-cell` is off; otherwise the minimum,
/// how many figures of the period's over-indebtedness table and stacking are null because of it
/// (`cells`; `complementary` of them only against subtraction) and the rule in words.
struct SuppressionJSON: Encodable {
    let rule: SmallCellRule
    let cells: Int
    let complementary: Int
    enum CodingKeys: String, CodingKey { case minCell = "min_cell", cells, complementary, reason }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule.minimum, forKey: .minCell)
        try c.encode(cells, forKey: .cells)
        try c.encode(complementary, forKey: .complementary)
        try c.encode(SuppressionText.reason(cells: cells, complementary: complementary, rule), forKey: .reason)
    }
}

/// `pricing` in `report --format json`: per group, new lending above each APR threshold and the
/// co-funding floor's counts.
struct PricingJSON: Encodable {
    let entry: GroupLendingTerms
    let thresholds: [APRThreshold]
    let checksFloor: Bool

    struct Above: Encodable {
        let threshold: String
        let amountCNY: Double
        let share: Double?
        enum CodingKeys: String, CodingKey { case threshold, amountCNY = "amount_cny", share }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(threshold, forKey: .threshold)
            try c.encode(amountCNY, forKey: .amountCNY)
            try c.encode(share, forKey: .share) // null when there was no new lending: never left out
        }
    }

    enum CodingKeys: String, CodingKey {
        case group, newLending = "new_lending_cny", above = "rate_apr_above", cofundedLoans = "cofunded_loans"
        case cofundedCNY = "cofunded_cny", belowLoans = "below_floor_loans", belowCNY = "below_floor_cny"
        case belowShareCount = "below_floor_share_by_count", belowShareAmount = "below_floor_share_by_amount"
        case inForceLoans = "below_floor_in_force_loans"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let t = entry.terms
        try c.encode(entry.group, forKey: .group)
        try c.encode(Double(t.newCents) / 100, forKey: .newLending)
        try c.encode(zip(thresholds, zip(t.aboveCents, entry.sharesAbove)).map {
            Above(threshold: "\($0.0)", amountCNY: Double($0.1.0) / 100, share: $0.1.1)
        }, forKey: .above)
        // The floor's counts only where loan files carry platform_funded_cny: otherwise unknown, not zero.
        if checksFloor && entry.floorKnown {
            try c.encode(t.cofundedLoans, forKey: .cofundedLoans)
            try c.encode(Double(t.cofundedCents) / 100, forKey: .cofundedCNY)
            try c.encode(t.belowFloorLoans, forKey: .belowLoans)
            try c.encode(Double(t.belowFloorCents) / 100, forKey: .belowCNY)
            try c.encode(entry.belowFloorShareByCount, forKey: .belowShareCount)
            try c.encode(entry.belowFloorShareByAmount, forKey: .belowShareAmount)
            try c.encode(t.inForceBelowLoans, forKey: .inForceLoans)
        } else {
            for key in [CodingKeys.cofundedLoans, .cofundedCNY, .belowLoans, .belowCNY, .belowShareCount, .belowShareAmount, .inForceLoans] {
                try c.encodeNil(forKey: key)
            }
        }
    }
}

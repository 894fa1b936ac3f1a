import MarketAnalytics

/// `indebtedness` in `report --format json`: the figures at a period end, amounts in yuan.
public struct IndebtednessJSON: Encodable {
    /// The definition in words, carried with the figures so a reader of the file has it.
    public static let definition = "a loan is outstanding at the end date E when originated <= E, originated + term_days > E "
        + "(days) and, where closed_on is given, closed_on > E; its amount is the principal at origination (repayments "
        + "within the term are not modelled unless closed_on ends the loan); a borrower's groups are the platform groups "
        + "of their outstanding loans; percentiles are nearest-rank"

    let figures: IndebtednessFigures

    public init(_ figures: IndebtednessFigures) { self.figures = figures }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", definition, borrowers, byGroups = "by_groups", amountByGroups = "amount_by_groups", overlap
        case debtPercentiles = "debt_percentiles", badRate = "bad_rate"
    }

    struct Percentiles: Encodable {
        let p: DebtPercentiles
        enum CodingKeys: String, CodingKey { case p50, p90, p99, max }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            // Fen to yuan: exact for any sum a loan file can hold (below 2^53 fen).
            try c.encode(Double(p.p50) / 100, forKey: .p50)
            try c.encode(Double(p.p90) / 100, forKey: .p90)
            try c.encode(Double(p.p99) / 100, forKey: .p99)
            try c.encode(Double(p.max) / 100, forKey: .max)
        }
    }

    struct Pair: Encodable {
        let a: String
        let b: String
        let borrowers: Int
    }

    struct Classes: Encodable {
        let values: [String: Double]
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: DynamicKey.self)
            for name in IndebtednessFigures.classNames { try c.encode(values[name], forKey: DynamicKey(name)) }
        }
    }

    struct DynamicKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(figures.asOf.description, forKey: .asOf)
        try c.encode(Self.definition, forKey: .definition)
        try c.encode(figures.borrowers, forKey: .borrowers)
        let names = IndebtednessFigures.classNames
        var counts = c.nestedContainer(keyedBy: DynamicKey.self, forKey: .byGroups)
        for (index, name) in names.enumerated() { try counts.encode(figures.byGroups[index], forKey: DynamicKey(name)) }
        try c.encode(Classes(values: Dictionary(uniqueKeysWithValues: names.enumerated().map {
            ($0.element, Double(figures.amountByGroupsCents[$0.offset]) / 100)
        })), forKey: .amountByGroups)
        try c.encode(figures.overlap.map { Pair(a: $0.a, b: $0.b, borrowers: $0.borrowers) }, forKey: .overlap)
        var debts = c.nestedContainer(keyedBy: DynamicKey.self, forKey: .debtPercentiles)
        try debts.encode(figures.debtAll.map(Percentiles.init), forKey: DynamicKey("all"))
        try debts.encode(figures.debtMulti.map(Percentiles.init), forKey: DynamicKey("multi"))
        var bad = c.nestedContainer(keyedBy: DynamicKey.self, forKey: .badRate)
        try bad.encode(figures.badRateSingle, forKey: DynamicKey("single"))
        try bad.encode(figures.badRateMulti, forKey: DynamicKey("multi"))
    }
}

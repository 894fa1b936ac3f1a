/// What changed in a period's alerts since the previous calendar period, alert by alert (by
/// rule and subject): the first thing a supervisor reads each quarter.
public struct AlertChanges: Sendable {
    /// One alert's values before and after. A new breach that was a warning (or a warning that
    /// was a breach) keeps the other side: a change of status is never "nothing".
    public struct Item: Sendable {
        public let identity: Alert.Identity
        public let before: Alert?
        public let after: Alert?
    }

    /// The period compared with.
    public let previous: Period
    public let new: [Item]
    public let resolved: [Item]
    /// In both periods, the value up by at least `threshold(for:)`.
    public let worse: [Item]
    /// In both periods, the value down by at least `threshold(for:)`.
    public let better: [Item]

    /// The smallest move that counts: one percentage point for rules in fractions, 100 points for
    /// HHI (the guidelines' ΔHHI scale).
    public static func threshold(for rule: Alert.Rule) -> Double {
        rule.unit == .hhi ? 100 : 0.01
    }

    public var isEmpty: Bool { new.isEmpty && resolved.isEmpty && worse.isEmpty && better.isEmpty }

    /// - Parameters: the alerts of two consecutive calendar periods.
    public init(previous: Period, before: [Alert], after: [Alert]) {
        self.previous = previous
        let old = Dictionary(before.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(after.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
        // Ranked none < warning < breach: a rise is new (a warning that became a breach is a new
        // breach, its warning the before side), a fall is resolved (a breach now only a warning).
        func rank(_ alert: Alert?) -> Int { alert.map { $0.severity == .breach ? 2 : 1 } ?? 0 }
        let identities = Set(old.keys).union(now.keys).sorted()
        new = identities.filter { rank(now[$0]) > rank(old[$0]) }.map { Item(identity: $0, before: old[$0], after: now[$0]) }
        resolved = identities.filter { rank(now[$0]) < rank(old[$0]) }.map { Item(identity: $0, before: old[$0], after: now[$0]) }
        var worse: [Item] = [], better: [Item] = []
        for identity in now.keys.sorted() {
            guard let a = old[identity], let b = now[identity], a.severity == b.severity else { continue }
            // Compared with a hair of tolerance: 12% → 13% is one point even when the doubles
            // come out a few ulps short.
            let move = b.value - a.value, step = Self.threshold(for: identity.rule) * (1 - 1e-9)
            if move >= step { worse.append(Item(identity: identity, before: a, after: b)) }
            if move <= -step { better.append(Item(identity: identity, before: a, after: b)) }
        }
        self.worse = worse
        self.better = better
    }
}

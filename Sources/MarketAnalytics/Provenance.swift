/// Where a figure comes from. Estimates must never be shown as facts, so every
/// row carries one of these and every aggregate inherits the weakest of its parts.
public enum Provenance: String, CaseIterable, Sendable, Comparable {
    /// Sourced: a primary or reputable secondary source is cited.
    case sourced = "S"
    /// Derived by arithmetic from other figures.
    case derived = "D"
    /// Recalled or reported but not confirmed against a primary source.
    case recalled = "R"
    /// Estimated or synthetic.
    case estimated = "E"

    /// Strength rank: a larger rank is weaker (E, then R, then D, then S).
    var weakness: Int {
        switch self {
        case .sourced: return 0
        case .derived: return 1
        case .recalled: return 2
        case .estimated: return 3
        }
    }

    /// Orders from strongest to weakest, so `max()` of a collection is its weakest flag.
    public static func < (lhs: Provenance, rhs: Provenance) -> Bool { lhs.weakness < rhs.weakness }

    /// The weakest flag of a group of rows; sourced when there are none.
    public static func weakest<S: Sequence>(_ flags: S) -> Provenance where S.Element == Provenance {
        flags.max() ?? .sourced
    }

    public var label: String {
        switch self {
        case .sourced: return "sourced"
        case .derived: return "derived"
        case .recalled: return "recalled, unconfirmed"
        case .estimated: return "estimated"
        }
    }
}

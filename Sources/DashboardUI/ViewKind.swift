/// The screens of the dashboard. They stack: Enter drills in, Esc or q goes back one level.
public enum ViewKind: Hashable, Sendable {
    case overview
    /// One platform group's partner banks and products.
    case platform(String)
    case banks
    /// One bank's partner groups.
    case bank(String)
    case matrix
    /// One group × bank pairing over every period.
    case pairing(group: String, bank: String)
    case trends
    case merger
    case alerts
    /// Over-indebtedness at the period's end: classes, overlap matrix, trend.
    case indebtedness
    /// Two groups' shared borrowers over every period end.
    case overlapPair(a: String, b: String)
    /// Pricing and the 30% co-funding floor in the period: one row per group with new lending.
    case pricing
    /// One bank's two caps over every period: ratio, limit, state, as a chart with its table.
    case capHistory(String)
    /// One group's pricing and co-funding floor over every period.
    case pricingGroup(String)

    /// The breadcrumb for this level.
    public var title: String {
        switch self {
        case .overview: return "Overview"
        case .platform(let group): return group
        case .banks: return "Banks"
        case .bank(let bank): return bank
        case .matrix: return "Matrix"
        case .pairing(let group, let bank): return "\(group) × \(bank)"
        case .trends: return "Trends"
        case .merger: return "What-if"
        case .alerts: return "Alerts"
        case .indebtedness: return "Over-indebtedness"
        case .overlapPair(let a, let b): return "\(a) & \(b)"
        case .pricing: return "Pricing"
        case .capHistory(let bank): return "\(bank) caps"
        case .pricingGroup(let group): return "\(group) pricing"
        }
    }

    /// True for the views whose rows are the periods (a history): they open on the period on screen.
    var listsPeriods: Bool {
        switch self {
        case .pairing, .overlapPair, .pricingGroup, .capHistory: return true
        default: return false
        }
    }

    /// A short name for export file names.
    var fileStem: String {
        switch self {
        case .overview: return "overview"
        case .platform(let group): return "platform-" + Self.slug(group)
        case .banks: return "banks"
        case .bank(let bank): return "bank-" + Self.slug(bank)
        case .matrix: return "matrix"
        case .pairing(let group, let bank): return "pairing-" + Self.slug(group) + "-" + Self.slug(bank)
        case .trends: return "trends"
        case .merger: return "what-if"
        case .alerts: return "alerts"
        case .indebtedness: return "indebtedness"
        case .overlapPair(let a, let b): return "overlap-" + Self.slug(a) + "-" + Self.slug(b)
        case .pricing: return "pricing"
        case .capHistory(let bank): return "caps-" + Self.slug(bank)
        case .pricingGroup(let group): return "pricing-" + Self.slug(group)
        }
    }

    /// Lower-case ASCII letters and digits joined by dashes: safe in any file system.
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if dash && !out.isEmpty { out += "-" }
                out.unicodeScalars.append(scalar)
                dash = false
            } else {
                dash = true
            }
        }
        return out.isEmpty ? "x" : out
    }
}

/// What a cell means, not how it looks: the backend maps roles to colours when it has them,
/// and every role that carries meaning also has an attribute or a marker, so nothing is
/// said by colour alone (NO_COLOR, `TERM=vt100`, colour-blind viewers).
public enum StyleRole: Hashable, Sendable, CaseIterable {
    case normal
    case title
    case header
    case selected
    case estimate
    case warning
    case good
    case bar
    case muted
    case accent
}

public struct Style: Hashable, Sendable {
    public var role: StyleRole
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ role: StyleRole = .normal, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    public static let normal = Style()
    public static let title = Style(.title, bold: true, reverse: true)
    public static let header = Style(.header, bold: true, underline: true)
    public static let selected = Style(.selected, reverse: true)
    public static let estimate = Style(.estimate)
    public static let warning = Style(.warning, bold: true)
    public static let good = Style(.good)
    public static let bar = Style(.bar)
    public static let muted = Style(.muted)
    public static let accent = Style(.accent, bold: true)

    /// The same style on a selected row: reversed, keeping what it means.
    public var selected: Style {
        var copy = self
        copy.reverse = true
        return copy
    }
}

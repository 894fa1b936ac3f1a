/// A bank type as a short code for narrow screens: the initials of its words ("city commercial"
/// → `CC`, "joint-stock" → `JS`, "online-only" → `OO`). The full type is on the status line and
/// in the help screen's legend.
public enum TypeCode {
    public static func code(_ type: String) -> String {
        let words = type.split { $0 == " " || $0 == "-" || $0 == "/" }
        guard words.count > 1 else { return String(type.prefix(3)).uppercased() }
        return String(words.prefix(3).compactMap(\.first)).uppercased()
    }
}

/// Makes untrusted text safe to print: every unsafe scalar (see `UnsafeScalar`) becomes
/// a visible placeholder, so a name can neither drive the terminal nor hide what it is.
///
/// Applied at render time to every string from data, file names and error messages,
/// even though ingest already rejects such names: a second gate costs little.
public enum SafeText {
    /// The placeholder for an unsafe scalar: `�` in UTF-8 mode, `?` in ASCII mode.
    public static func sanitize(_ text: String, ascii: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                out.append(" ")
            } else if UnsafeScalar.isUnsafe(scalar) {
                out.append(ascii ? "?" : "\u{FFFD}")
            } else if ascii && !scalar.isASCII {
                // The symbols LendScope's own texts use read as ASCII; any other character (a
                // name's) is a `?`.
                out.append(contentsOf: asciiFallback[scalar] ?? "?".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// ASCII for the typographic symbols of LendScope's own texts.
    static let asciiFallback: [Unicode.Scalar: String.UnicodeScalarView] = [
        "·": "-", "≤": "<=", "≥": ">=", "×": "x", "Δ": "d", "–": "-", "—": "-", "…": "...", "›": ">",
        "→": "->", "←": "<-", "↑": "^", "↓": "v", "▲": "^", "▼": "v", "◀": "<", "▶": ">", "±": "+/-",
        "⁄": "/", "−": "-", "Σ": "sum ",
    ].mapValues { $0.unicodeScalars }

    /// True when `sanitize` would change nothing.
    /// Multi-line text (help, usage, reports) made safe line by line: line breaks stay, every
    /// other unsafe scalar is replaced as in `sanitize`.
    public static func sanitizeLines(_ text: String, ascii: Bool = false) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { sanitize(String($0), ascii: ascii) }.joined(separator: "\n")
    }

    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { UnsafeScalar.isUnsafe($0) || $0 == "\t" }
    }
}

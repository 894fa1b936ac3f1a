/// Unicode scalars that must never reach a terminal from data: they move the cursor,
/// start escape sequences, reorder text or hide themselves.
public enum UnsafeScalar {
    /// Why a scalar is unsafe, for error messages; nil when it is safe to show.
    public static func reason(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x1B: return "escape character"
        case 0x00...0x1F, 0x7F: return "control character"
        case 0x80...0x9F: return "C1 control character"
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return "bidirectional control"
        case 0x200B...0x200D, 0x2060...0x2064, 0x180E: return "zero-width character"
        case 0xFEFF: return "byte order mark"
        case 0x2028: return "line separator"
        case 0x2029: return "paragraph separator"
        case 0xFFF9...0xFFFB: return "interlinear annotation control"
        default: return nil
        }
    }

    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool { reason(scalar) != nil }

    /// How `U+XXXX` is written in messages.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// Terminal input bytes → keys, without curses: escape sequences are parsed as sequences.
///
/// Terminals disagree on what Home, End, the F-keys and the keypad send, and terminfo describes
/// only the one `TERM` names (tmux and PuTTY under `TERM=xterm-256color` send `ESC [1~` for Home,
/// which xterm's entry lacks). Read byte by byte, such a sequence becomes Esc, `[`, `1`, `~`: four
/// commands. So every known form of every family is decoded here, whatever `TERM` says, and any
/// other sequence that starts with `ESC [` or `ESC O` is consumed whole and dropped: never
/// replayed as keys.
///
/// Families covered: xterm (CSI and SS3 forms, with modifier parameters), rxvt (`~ ^ $ @` finals,
/// `ESC [11~` F-keys, SS3 lower-case arrows), screen/tmux and PuTTY (`ESC [1~`/`ESC [4~` Home/End),
/// the linux console (`ESC [[A`…`ESC [[E` for F1–F5), and the VT keypad in application mode.
public struct KeyDecoder: Sendable {
    /// How long a lone Esc waits for the rest of a sequence, in nanoseconds (curses' ESCDELAY,
    /// vim's ttimeoutlen): long enough for a sequence split over SSH to arrive whole, short enough
    /// for Esc not to feel slow.
    public static let escapeDelay: Int64 = 100_000_000
    /// A sequence longer than this is garbage (a paste, line noise): dropped.
    static let longestSequence = 32

    private var pending: [UInt8] = []
    /// Inside an over-long or timed-out sequence: its remaining parameter bytes and its final byte
    /// are dropped too (until the next escape delay passes).
    private var skippingSequence = false
    /// Inside a control string (OSC, DCS, APC, PM, SOS) too long to hold: dropped up to its end.
    private var skippingString = false
    /// The longest control string held while waiting for its end.
    static let longestString = 512
    /// The characters a timed-out mouse report still has to come.
    private var skippingCharacters = 0
    /// Inside a bracketed paste (`ESC [200~` … `ESC [201~`): the text so far.
    private var pasted: [UInt8]?
    /// The longest paste kept, in bytes (a prompt holds 40 characters; the rest is dropped).
    static let longestPaste = 4_096
    /// A paste that stops arriving for this long ends (its end marker was lost), in nanoseconds.
    public static let pasteDelay: Int64 = 500_000_000
    static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]

    /// How long pending bytes may wait for the rest: the escape delay, longer inside a paste.
    public var pendingDelay: Int64 { pasted == nil ? Self.escapeDelay : Self.pasteDelay }

    public init() {}

    /// Bytes of an incomplete sequence or character, or a paste, are waiting: call `flush()`
    /// after `pendingDelay`.
    public var isPending: Bool {
        !pending.isEmpty || pasted != nil || skippingSequence || skippingString || skippingCharacters > 0
    }

    /// Decodes what is complete; an incomplete sequence or UTF-8 character waits for more bytes.
    public mutating func decode<Bytes: Sequence>(_ bytes: Bytes) -> [Key] where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var keys: [Key] = []
        var start = 0
        while start < pending.count {
            if pasted != nil {
                // Everything up to the end marker is text, whatever it holds.
                if let end = Self.find(Self.pasteEnd, in: pending, from: start) {
                    append(toPaste: pending[start..<end])
                    keys.append(finishPaste())
                    start = end + Self.pasteEnd.count
                    continue
                }
                // Keep a tail that may be the start of the end marker split across reads.
                let keep = min(pending.count - start, Self.pasteEnd.count - 1)
                append(toPaste: pending[start..<(pending.count - keep)])
                pending.removeFirst(pending.count - keep)
                return keys
            }
            if skippingCharacters > 0 {
                let length = Self.utf8Length(pending[start])
                guard start + length <= pending.count else {
                    pending.removeFirst(start)
                    return keys
                }
                start += length
                skippingCharacters -= 1
                continue
            }
            if skippingString {
                // Up to BEL or ST (ESC \\), whatever comes between.
                if let end = pending[start...].firstIndex(where: { $0 == 0x07 || $0 == 0x1B }) {
                    skippingString = false
                    start = pending[end] == 0x1B ? end : end + 1
                    if pending[end] == 0x1B, end + 1 < pending.count, pending[end + 1] == UInt8(ascii: "\\") { start = end + 2 }
                } else {
                    start = pending.count
                }
                continue
            }
            if skippingSequence {
                let byte = pending[start]
                if (0x20...0x7E).contains(byte) {
                    start += 1
                    if byte >= 0x40 { skippingSequence = false }
                    continue
                }
                skippingSequence = false
            }
            switch Self.parse(pending[start...]) {
            case .key(let key, let length):
                keys.append(key)
                start += length
            case .ignored(let length):
                start += length
            case .overLong(let length):
                start += length
                skippingSequence = true
            case .stringOverLong(let length):
                start += length
                skippingString = true
            case .pasteStart(let length):
                start += length
                pasted = []
            case .incomplete:
                pending.removeFirst(start)
                return keys
            }
        }
        pending.removeAll(keepingCapacity: true)
        return keys
    }

    /// The escape delay has passed: a lone Esc (or two) is the Esc key; an unfinished sequence
    /// (`ESC [`, `ESC O`, a cut UTF-8 character) is dropped whole.
    public mutating func flush() -> [Key] {
        defer { pending.removeAll() }
        if pasted != nil {
            append(toPaste: pending[...])
            return [finishPaste()]
        }
        // A skip ends when its delay passes with nothing more: the next key is a key again.
        if pending.isEmpty {
            skippingSequence = false
            skippingString = false
            skippingCharacters = 0
            return []
        }
        if pending.allSatisfy({ $0 == 0x1B }) { return pending.map { _ in .escape } }
        // An unfinished sequence is dropped, and so is its rest if it comes late: a CSI's
        // parameters and final, a mouse report's characters, a control string up to its end.
        switch Self.unfinished(pending[...]) {
        case .sequence: skippingSequence = true
        case .string: skippingString = true
        case .mouse(let left): skippingCharacters = left
        case .none: break
        }
        return []
    }

    enum Unfinished { case sequence, string, mouse(Int), none }

    /// What kind of sequence the bytes left at a timeout had started.
    static func unfinished(_ bytes: ArraySlice<UInt8>) -> Unfinished {
        var rest = bytes
        if rest.first == 0x1B, rest.count >= 2, rest[rest.startIndex + 1] == 0x1B { rest = rest.dropFirst() } // Alt + …
        guard let first = rest.first else { return .none }
        let second = rest.count > 1 ? rest[rest.startIndex + 1] : nil
        // The introducer as one byte: ESC + a letter, an 8-bit control, or its UTF-8 form.
        let introducer: UInt8?
        let body: ArraySlice<UInt8>
        if first == 0x1B, let second {
            introducer = second == UInt8(ascii: "[") ? 0x9B : second == UInt8(ascii: "O") ? 0x8F
                : stringIntroducers7[second]
            body = rest.dropFirst(2)
        } else if first == 0xC2, let second, (0x80...0x9F).contains(second) {
            introducer = second
            body = rest.dropFirst(2)
        } else {
            introducer = first
            body = rest.dropFirst()
        }
        switch introducer {
        case 0x9B:
            if body.first == UInt8(ascii: "M") { return .mouse(max(0, 3 - (body.count - 1))) }
            return .sequence
        case 0x8F: return .sequence
        case 0x90, 0x98, 0x9D, 0x9E, 0x9F: return .string
        default: return .none
        }
    }

    /// ESC + these letters start control strings: DCS, SOS, OSC, PM, APC (as their 8-bit bytes).
    static let stringIntroducers7: [UInt8: UInt8] = [
        UInt8(ascii: "P"): 0x90, UInt8(ascii: "X"): 0x98, UInt8(ascii: "]"): 0x9D, UInt8(ascii: "^"): 0x9E,
        UInt8(ascii: "_"): 0x9F,
    ]

    private mutating func append(toPaste bytes: ArraySlice<UInt8>) {
        let room = Self.longestPaste - (pasted?.count ?? 0)
        if room > 0 { pasted?.append(contentsOf: bytes.prefix(room)) }
    }

    /// The paste as text: invalid UTF-8 replaced; the reducer keeps only printable characters.
    private mutating func finishPaste() -> Key {
        defer { pasted = nil }
        return .paste(String(decoding: pasted ?? [], as: UTF8.self))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count - start >= needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }

    enum Parsed: Equatable {
        case key(Key, length: Int)
        case ignored(length: Int)
        /// The first `length` bytes of a sequence too long to be a key; the rest is dropped as it comes.
        case overLong(length: Int)
        /// `ESC [200~`: what follows is pasted text, up to `ESC [201~`.
        case pasteStart(length: Int)
        /// The first `length` bytes of a control string too long to hold; the rest is dropped up to its end.
        case stringOverLong(length: Int)
        case incomplete
    }

    static func parse(_ bytes: ArraySlice<UInt8>) -> Parsed {
        let first = bytes[bytes.startIndex]
        switch first {
        case 0x1B: return escape(bytes)
        // The 8-bit CSI: a sequence like ESC [, dropped the same way (never its bytes as keys).
        case 0x9B: return csi(bytes, introducer: 1)
        // 8-bit control strings (DCS, SOS, OSC, PM, APC).
        case 0x90, 0x98, 0x9D, 0x9E, 0x9F: return controlString(bytes, introducer: 1)
        case 0x0D, 0x0A: return .key(.enter, length: 1)
        case 0x7F, 0x08: return .key(.backspace, length: 1)
        case 0x09: return .key(.tab, length: 1)
        case 0x01...0x1A: return .key(.control(Character(Unicode.Scalar(first + 0x60))), length: 1)
        case 0x00, 0x1C...0x1F: return .ignored(length: 1)
        case 0x20...0x7E: return .key(.character(Character(Unicode.Scalar(first))), length: 1)
        default: return utf8(bytes)
        }
    }

    /// One UTF-8 character; a malformed byte is dropped (it would be a C1 control or garbage).
    static func utf8(_ bytes: ArraySlice<UInt8>) -> Parsed {
        let lead = bytes[bytes.startIndex]
        // U+009B, the CSI as a UTF-8 character: a sequence too; and the control strings' U+0090….
        if lead == 0xC2, bytes.count > 1 {
            switch bytes[bytes.startIndex + 1] {
            case 0x9B: return csi(bytes, introducer: 2)
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F: return controlString(bytes, introducer: 2)
            default: break
            }
        }
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return .ignored(length: 1)
        }
        let available = bytes.prefix(length)
        for byte in available.dropFirst() where byte & 0xC0 != 0x80 { return .ignored(length: 1) }
        guard available.count == length else { return .incomplete }
        var decoder = UTF8()
        var iterator = available.makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.value >= 0xA0 else {
            return .ignored(length: length) // overlong forms, surrogates, C1 controls
        }
        return .key(.character(Character(scalar)), length: length)
    }

    static func escape(_ bytes: ArraySlice<UInt8>) -> Parsed {
        let start = bytes.startIndex
        guard bytes.count > 1 else { return .incomplete }
        switch bytes[start + 1] {
        case UInt8(ascii: "["): return csi(bytes, introducer: 2)
        case UInt8(ascii: "O"): return ss3(bytes)
        // Control strings (OSC, DCS, APC, PM, SOS): up to BEL or ESC \\, their text never keys.
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
            return controlString(bytes, introducer: 2)
        case 0x1B:
            // Alt + a sequence (rxvt sends ESC ESC [ A): the key without the modifier.
            guard bytes.count > 2 else { return .incomplete }
            let next = bytes[start + 2]
            guard next == UInt8(ascii: "[") || next == UInt8(ascii: "O") else { return .key(.escape, length: 1) }
            switch parse(bytes.dropFirst()) {
            case .key(let key, let length): return .key(key, length: length + 1)
            case .ignored(let length): return .ignored(length: length + 1)
            case .overLong(let length): return .overLong(length: length + 1)
            case .pasteStart(let length): return .pasteStart(length: length + 1)
            case .stringOverLong(let length): return .stringOverLong(length: length + 1)
            case .incomplete: return .incomplete
            }
        default:
            // Esc then a key typed quickly (or Alt + a key, which terminals send the same way):
            // Esc, and the key after it on its own, as curses does. Only `ESC [` and `ESC O` start
            // the sequences that must never run as keys.
            return .key(.escape, length: 1)
        }
    }

    /// A control string after its introducer (ESC + letter, an 8-bit byte, or its UTF-8 form), up
    /// to BEL or ST (ESC \\, 0x9C, or U+009C).
    static func controlString(_ bytes: ArraySlice<UInt8>, introducer: Int) -> Parsed {
        let start = bytes.startIndex
        var index = start + introducer
        // 0x9C ends only a string opened in 8 bits (in UTF-8 text it is a continuation byte);
        // U+009C ends one opened as U+0090….
        let eightBit = introducer == 1
        let utf8Form = introducer == 2 && bytes[start] == 0xC2
        while index < bytes.endIndex {
            let length = index - start + 1
            if bytes[index] == 0x07 || (eightBit && bytes[index] == 0x9C) { return .ignored(length: length) }
            if utf8Form, bytes[index] == 0xC2, index + 1 < bytes.endIndex, bytes[index + 1] == 0x9C {
                return .ignored(length: length + 1)
            }
            if bytes[index] == 0x1B {
                guard index + 1 < bytes.endIndex else { return .incomplete }
                // ST ends it; another Esc starts a new sequence, and the string was cut.
                return bytes[index + 1] == UInt8(ascii: "\\") ? .ignored(length: length + 1) : .ignored(length: length - 1)
            }
            if length > longestString { return .stringOverLong(length: length) }
            index += 1
        }
        return .incomplete
    }

    /// How many bytes a UTF-8 character starting with `lead` takes (a stray byte counts as one).
    static func utf8Length(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// The bytes of `count` UTF-8 characters from `index`, or nil when they have not all arrived.
    static func characters(_ count: Int, in bytes: ArraySlice<UInt8>, from index: Int) -> Int? {
        var position = index
        for _ in 0..<count {
            guard position < bytes.endIndex else { return nil }
            position += utf8Length(bytes[position])
        }
        return position <= bytes.endIndex ? position - index : nil
    }

    /// CSI parameters (0x30–0x3F), intermediates (0x20–0x2F), a final byte (0x40–0x7E), after
    /// its introducer: `ESC [` (2 bytes), the 8-bit CSI (1) or U+009B in UTF-8 (2).
    static func csi(_ bytes: ArraySlice<UInt8>, introducer: Int) -> Parsed {
        let start = bytes.startIndex
        var index = start + introducer
        // The linux console's F1–F5: ESC [ [ A … E.
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") {
            guard index + 1 < bytes.endIndex else { return .incomplete }
            let final = bytes[index + 1]
            if (UInt8(ascii: "A")...UInt8(ascii: "E")).contains(final) {
                return .key(.function(Int(final - UInt8(ascii: "A")) + 1), length: introducer + 2)
            }
            // Another final is dropped with it; anything else (an Esc) starts anew.
            return .ignored(length: introducer + ((0x40...0x7E).contains(final) ? 2 : 1))
        }
        var parameters: [UInt8] = []
        while index < bytes.endIndex {
            let byte = bytes[index]
            let length = index - start + 1
            if length > longestSequence { return .overLong(length: length - 1) }
            switch byte {
            case 0x30...0x3F:
                parameters.append(byte)
            case 0x24 where !parameters.isEmpty:
                // rxvt's Shift + editing key: ESC [ 2 $.
                return tilde(parameters, length: length)
            case 0x20...0x2F:
                break
            case 0x40...0x7E:
                if byte == UInt8(ascii: "M"), parameters.isEmpty {
                    // An X10 mouse report carries three more characters (UTF-8 in mode 1005).
                    guard let extra = characters(3, in: bytes, from: start + length) else { return .incomplete }
                    return .ignored(length: length + extra)
                }
                return final(byte, parameters: parameters, length: length)
            default:
                // A control byte or another Esc inside: the sequence was cut; drop what came so far.
                return .ignored(length: length - 1)
            }
            index += 1
        }
        return .incomplete
    }

    static func final(_ byte: UInt8, parameters: [UInt8], length: Int) -> Parsed {
        // Private parameters (`<`, `=`, `>`, `?`) start mouse and report replies, never keys.
        if let first = parameters.first, first >= 0x3C { return .ignored(length: length) }
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "^"), UInt8(ascii: "@"):
            return tilde(parameters, length: length)
        default:
            // xterm's forms, modifiers (`1;5`) dropped: ESC [ A, ESC [ 1;5 C, ESC [ 1;2 P.
            return letter(byte).map { .key($0, length: length) } ?? .ignored(length: length)
        }
    }

    /// The VT220 editing keys and rxvt/PuTTY F-keys by number: `ESC [ n ~`.
    static func tilde(_ parameters: [UInt8], length: Int) -> Parsed {
        let digits = parameters.prefix { (0x30...0x39).contains($0) }
        guard !digits.isEmpty, digits.count <= 3 else { return .ignored(length: length) }
        let number = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        if number == 200 { return .pasteStart(length: length) }
        let key: Key?
        switch number {
        case 1, 7: key = .home
        case 2: key = .insert
        case 3: key = .delete
        case 4, 8: key = .end
        case 5: key = .pageUp
        case 6: key = .pageDown
        case 11...15: key = .function(number - 10)
        case 17...21: key = .function(number - 11)
        case 23, 24: key = .function(number - 12)
        default: key = nil
        }
        return key.map { .key($0, length: length) } ?? .ignored(length: length)
    }

    /// Final letters shared by CSI and SS3.
    static func letter(_ byte: UInt8) -> Key? {
        switch byte {
        case UInt8(ascii: "A"), UInt8(ascii: "a"): return .up
        case UInt8(ascii: "B"), UInt8(ascii: "b"): return .down
        case UInt8(ascii: "C"), UInt8(ascii: "c"): return .right
        case UInt8(ascii: "D"), UInt8(ascii: "d"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "P"): return .function(1)
        case UInt8(ascii: "Q"): return .function(2)
        case UInt8(ascii: "R"): return .function(3)
        case UInt8(ascii: "S"): return .function(4)
        case UInt8(ascii: "Z"): return .backTab
        default: return nil
        }
    }

    /// `ESC O` + an optional modifier + one letter: xterm's application mode, rxvt, the VT keypad.
    static func ss3(_ bytes: ArraySlice<UInt8>) -> Parsed {
        var index = bytes.startIndex + 2
        while index < bytes.endIndex, (0x30...0x3B).contains(bytes[index]) {
            index += 1
            if index - bytes.startIndex > longestSequence { return .overLong(length: index - bytes.startIndex) }
        }
        guard index < bytes.endIndex else { return .incomplete }
        let byte = bytes[index]
        let length = index - bytes.startIndex + 1
        guard (0x20...0x7E).contains(byte) else { return .ignored(length: length - 1) }
        if let key = letter(byte) { return .key(key, length: length) }
        switch byte {
        case UInt8(ascii: "M"): return .key(.enter, length: length)
        // The keypad's digits and signs in application mode: ESC O p … y, j … o.
        case UInt8(ascii: "p")...UInt8(ascii: "y"):
            return .key(.character(Character(Unicode.Scalar(byte - UInt8(ascii: "p") + UInt8(ascii: "0")))), length: length)
        case UInt8(ascii: "j")...UInt8(ascii: "o"):
            let signs: [Character] = ["*", "+", ",", "-", ".", "/"]
            return .key(.character(signs[Int(byte - UInt8(ascii: "j"))]), length: length)
        default: return .ignored(length: length)
        }
    }
}

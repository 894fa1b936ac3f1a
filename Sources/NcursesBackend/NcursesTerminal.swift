import CNcurses
import DashboardUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The ncurses implementation of `TerminalBackend`: the only Swift that calls curses. It draws;
/// input bytes are read by the event loop and decoded by `KeyDecoder`.
///
/// Frames are drawn with `erase()` and ncurses' own diff (never `clear()`, which repaints the
/// whole screen and costs about 18 times the bytes over SSH).
public struct NcursesTerminal: TerminalBackend {
    public enum Failure: Error, CustomStringConvertible {
        case unknownTerminal(String)

        public var description: String {
            switch self {
            case .unknownTerminal(let name):
                return "unknown terminal type '\(name)': set TERM to one this system knows (e.g. xterm-256color), "
                    + "or use --plain"
            }
        }
    }

    private let screen: OpaquePointer
    private let colors: Bool
    private var isRestored = false

    /// Starts curses on the controlling terminal. The caller has already called `setlocale`.
    ///
    /// - Parameter colors: false for `NO_COLOR` or `--no-color`; ignored on monochrome terminals.
    public init(colors: Bool) throws {
        // A LINES or COLUMNS in the environment would pin the size and hide every resize.
        unsetenv("LINES")
        unsetenv("COLUMNS")
        let term = getenv("TERM").map { String(cString: $0) } ?? "unknown"
        // Saved before curses changes the modes: a crash (trap, abort, fault) restores them.
        lendscope_install_crash_restore()
        // newterm, unlike initscr, returns nil for an unknown TERM instead of exiting the process.
        guard let screen = lendscope_newterm() else {
            lendscope_remove_crash_restore()
            throw Failure.unknownTerminal(term)
        }
        self.screen = screen
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        // Curses never reads the keyboard: the event loop reads the bytes and `KeyDecoder` parses
        // every terminal family's sequences (terminfo knows only the one TERM names).
        keypad(lendscope_stdscr(), false)
        intrflush(lendscope_stdscr(), false)
        curs_set(0)
        refresh() // curses' own set-up goes out first
        // After every curses mode call (each sets the terminal's modes from curses' own copy).
        lendscope_flow_control_off()
        def_prog_mode()
        lendscope_bracketed_paste(1)
        self.colors = colors && has_colors()
        if self.colors { Self.startColors() }
    }

    /// Colour pairs by role, on the terminal's default background (`use_default_colors`).
    private static func startColors() {
        start_color()
        use_default_colors()
        for (role, foreground) in palette {
            init_pair(Int16(pair(for: role)), foreground, -1)
        }
    }

    private static let palette: [(StyleRole, Int16)] = [
        (.estimate, Int16(COLOR_YELLOW)), (.warning, Int16(COLOR_RED)), (.good, Int16(COLOR_GREEN)),
        (.bar, Int16(COLOR_CYAN)), (.accent, Int16(COLOR_YELLOW)), (.title, Int16(COLOR_BLUE)),
        (.header, Int16(COLOR_CYAN)),
    ]

    private static func pair(for role: StyleRole) -> Int {
        (palette.firstIndex { $0.0 == role } ?? -1) + 1
    }

    public var size: (width: Int, height: Int) { (Int(lendscope_cols()), Int(lendscope_lines())) }

    public mutating func draw(_ buffer: ScreenBuffer) {
        erase()
        for y in 0..<min(buffer.height, Int(lendscope_lines())) {
            var x = 0
            while x < buffer.width {
                // One call per run of cells that share a style.
                let style = buffer[x, y].style
                var text: [wchar_t] = []
                let start = x
                while x < buffer.width, buffer[x, y].style == style {
                    let cell = buffer[x, y]
                    if !cell.isContinuation {
                        text += cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                    }
                    x += 1
                }
                let (attributes, pair) = attributes(for: style)
                text.append(0)
                _ = lendscope_put(Int32(y), Int32(start), text, Int32(text.count - 1), attributes, pair)
            }
        }
        refresh()
    }

    private func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes = lendscope_a_normal()
        if style.bold { attributes |= lendscope_a_bold() }
        if style.reverse { attributes |= lendscope_a_reverse() }
        if style.underline { attributes |= lendscope_a_underline() }
        if style.role == .muted { attributes |= lendscope_a_dim() }
        if style.role == .title { attributes |= lendscope_a_reverse() | lendscope_a_bold() }
        guard colors else { return (attributes, 0) }
        return (attributes, Int16(Self.pair(for: style.role)))
    }

    public mutating func updateSize() {
        lendscope_update_size()
    }

    /// OSC 52 with the text in base64, written straight to the terminal after curses' own output.
    public mutating func copyToClipboard(_ text: String) {
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        fflush(nil) // every stream, so curses output goes first
        var bytes = Array(sequence.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            offset += written
        }
    }

    public mutating func restore() {
        guard !isRestored else { return }
        isRestored = true
        lendscope_bracketed_paste(0)
        curs_set(1)
        endwin()
        lendscope_remove_crash_restore()
    }
}

/// What the event loop needs from a terminal. ncurses is one implementation; tests use
/// `RecordingTerminal`, which keeps every frame it is asked to draw.
public protocol TerminalBackend {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Shows the buffer; implementations send only what changed.
    mutating func draw(_ buffer: ScreenBuffer)
    /// The next input event without waiting; nil when there is none.
    mutating func nextEvent() -> TerminalEvent?
    /// Puts text on the viewer's clipboard (OSC 52: it travels with the screen, so it works over SSH).
    mutating func copyToClipboard(_ text: String)
    /// Gives the terminal back as it was (normal screen, echo, cursor).
    mutating func restore()
}

public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    case resized(width: Int, height: Int)
    /// The terminal went away (hang-up or read error): the program must exit, not spin.
    case closed
}

/// A terminal double that records frames and replays scripted input.
public struct RecordingTerminal: TerminalBackend {
    public var size: (width: Int, height: Int)
    public private(set) var frames: [ScreenBuffer] = []
    public var pendingEvents: [TerminalEvent]
    public private(set) var restored = false
    public private(set) var clipboard: [String] = []

    public init(width: Int, height: Int, events: [TerminalEvent] = []) {
        size = (width, height)
        pendingEvents = events
    }

    public mutating func draw(_ buffer: ScreenBuffer) { frames.append(buffer) }

    public mutating func nextEvent() -> TerminalEvent? {
        pendingEvents.isEmpty ? nil : pendingEvents.removeFirst()
    }

    public mutating func copyToClipboard(_ text: String) { clipboard.append(text) }

    public mutating func restore() { restored = true }
}

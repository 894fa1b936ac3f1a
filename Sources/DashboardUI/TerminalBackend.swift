/// What the event loop needs from a terminal to show frames. ncurses is one implementation;
/// tests use `RecordingTerminal`, which keeps every frame it is asked to draw. Input is not here:
/// the loop reads the terminal's bytes and decodes them itself (`KeyDecoder`), whatever terminfo says.
public protocol TerminalBackend {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Shows the buffer; implementations send only what changed.
    mutating func draw(_ buffer: ScreenBuffer)
    /// The terminal was resized (SIGWINCH): learn the new size.
    mutating func updateSize()
    /// Puts text on the viewer's clipboard (OSC 52: it travels with the screen, so it works over SSH).
    mutating func copyToClipboard(_ text: String)
    /// Gives the terminal back as it was (normal screen, echo, cursor).
    mutating func restore()
}

/// A terminal double that records frames, clipboard texts and sizes.
public struct RecordingTerminal: TerminalBackend {
    public var size: (width: Int, height: Int)
    /// The size `updateSize()` will find (a resize the test announces).
    public var sizeAfterResize: (width: Int, height: Int)?
    public private(set) var frames: [ScreenBuffer] = []
    public private(set) var restored = false
    public private(set) var clipboard: [String] = []

    public init(width: Int, height: Int) {
        size = (width, height)
    }

    public mutating func draw(_ buffer: ScreenBuffer) { frames.append(buffer) }

    public mutating func updateSize() {
        if let next = sizeAfterResize { size = next }
    }

    public mutating func copyToClipboard(_ text: String) { clipboard.append(text) }

    public mutating func restore() { restored = true }
}

/// Something that happened; the reducer turns it into a new state and an effect.
public enum Action: Sendable {
    case keyPressed(Key)
    case snapshotLoaded(Snapshot)
    /// The data could not be loaded; the messages are `path:line:column: message` lines.
    case reloadFailed([String])
    case resized(width: Int, height: Int)
    case tick(ClockTime)
}

/// Work the event loop performs for the reducer: plain data, never a closure.
public enum Effect: Hashable, Sendable {
    case none
    /// The screen changed and must be drawn.
    case render
    case quit
}

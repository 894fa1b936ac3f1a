import MarketAnalytics

/// Something that happened; the reducer turns it into a new state and an effect.
public enum Action: Sendable {
    case keyPressed(Key)
    /// A load finished, or analyses under another key were computed for the data already loaded
    /// (same `version`): the worker made them, the reducer only swaps them in.
    case snapshotLoaded(Snapshot)
    /// The data could not be loaded; the messages are `path:line:column: message` lines.
    case reloadFailed([String])
    case resized(width: Int, height: Int)
    /// Time passes: seconds since the epoch, from the loop's clock.
    case tick(epochSeconds: Double)
    /// A reload began in the background; the current data stay on screen meanwhile.
    case reloadStarted
    /// The loop wrote the export files (their paths as shown to the user).
    case exportFinished([String])
    case exportFailed(String)
}

/// Files the loop writes for an export, in the export directory (created if missing): each
/// `(name, text)`, e.g. `lendscope-overview-2021Q4.csv`, its `.md`, and the index panel's CSV.
public struct ExportRequest: Hashable, Sendable {
    public struct File: Hashable, Sendable {
        public let name: String
        public let text: String
    }

    public let files: [File]
}

/// Work the event loop performs for the reducer: plain data, never a closure.
public enum Effect: Hashable, Sendable {
    case none
    /// The screen changed and must be drawn.
    case render
    case quit
    /// Write these files, then report back with `exportFinished` or `exportFailed`.
    case export(ExportRequest)
    /// Send this text to the terminal's clipboard (OSC 52), then draw.
    case copy(String)
    /// Reload the data now (`r`).
    case reloadNow
    /// Compute the analyses for this key (another measure or market definition) off the UI
    /// thread, then report back with `snapshotLoaded` of the same version.
    case analyze(AnalysisKey)
}

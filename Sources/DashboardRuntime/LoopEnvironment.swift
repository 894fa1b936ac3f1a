import DashboardUI
import DataIngest
import MarketAnalytics

/// Time as the loop reads it: injected, so tests move it by hand.
public protocol LoopClock {
    /// Monotonic nanoseconds: deadlines, debounce, idle time.
    var monotonicNanoseconds: Int64 { get }
    /// Seconds since the epoch: the data's age on screen.
    var epochSeconds: Double { get }
    /// The local wall-clock time of a moment, for "loaded 08:56:02".
    func clockTime(at epochSeconds: Double) -> ClockTime
}

/// What became ready while the loop waited.
public struct Wakeup: Sendable, Equatable {
    /// Bytes the terminal sent (keys, escape sequences): the loop decodes them.
    public var input: [UInt8] = []
    /// The terminal went away (hang-up, end of file).
    public var inputClosed = false
    /// A signal that ends the session (SIGINT, SIGTERM, SIGHUP).
    public var quitSignal: Int32?
    /// The terminal's size changed (SIGWINCH).
    public var resized = false
    /// The reload worker has results.
    public var resultsReady = false
    /// The data directory changed (inotify).
    public var filesChanged = false

    public init(input: [UInt8] = [], inputClosed: Bool = false, quitSignal: Int32? = nil, resized: Bool = false,
                resultsReady: Bool = false, filesChanged: Bool = false) {
        self.input = input
        self.inputClosed = inputClosed
        self.quitSignal = quitSignal
        self.resized = resized
        self.resultsReady = resultsReady
        self.filesChanged = filesChanged
    }
}

/// Where the loop waits: `poll` on the terminal, the signal pipe, the worker and inotify in the
/// program; a script in tests.
public protocol ReadinessSource {
    /// Waits until something is ready or the monotonic clock reaches `deadline`.
    mutating func wait(until deadline: Int64) -> Wakeup
}

/// The reload worker as the loop uses it (`ReloadWorker` in the program).
public protocol ReloadService: AnyObject {
    /// Asks for a reload (or analyses only) under `key`; returns the request's generation.
    @discardableResult func request(key: AnalysisKey, reload: Bool) -> Int
    /// The newest generation asked for: results of older ones are stale.
    var latestRequest: Int { get }
    /// Every finished result, oldest first.
    func takeResults() -> [ReloadResult]
}

/// File-change detection by fingerprints, the safety net for inotify (`DirectoryWatcher`).
public protocol ChangeWatcher: AnyObject {
    /// True when the files differ from the last poll.
    func pollForChanges() -> Bool
}

/// `--trace`: a line per event with a monotonic timestamp.
public protocol LoopTrace {
    func record(_ event: String, at time: Int64, _ detail: String)
}

extension ReloadWorker: ReloadService {}
extension DirectoryWatcher: ChangeWatcher {}

/// Why the loop ended; the program maps it to an exit status and a message.
public enum LoopExit: Equatable, Sendable {
    /// `q` at the top level.
    case quit
    /// SIGINT, SIGTERM or SIGHUP: exit status 128 + n.
    case signal(Int32)
    /// The terminal went away: exit status 129.
    case terminalClosed
    /// No key for the idle timeout (kiosk mode), in seconds.
    case idle(Double)

    public var status: Int32 {
        switch self {
        case .quit, .idle: return 0
        case .signal(let number): return 128 + number
        case .terminalClosed: return 129
        }
    }
}

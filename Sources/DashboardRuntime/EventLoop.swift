import DashboardUI
import DataIngest
import MarketAnalytics

/// The one event loop: bytes from the terminal, resizes, file changes, reload results and ticks
/// become actions; the reducer returns effects; `perform` is the one place they are carried out;
/// one frame is drawn per iteration when something changed.
///
/// Generic over the terminal and the readiness source, with the clock, the worker and the watcher
/// injected: tests run it with `RecordingTerminal`, a scripted source and a hand-moved clock.
public struct EventLoop<Terminal: TerminalBackend, Source: ReadinessSource> {
    public struct Settings: Sendable {
        /// Seconds between fingerprint polls (the fallback and safety net for inotify).
        public var refreshInterval: Double
        /// Seconds without a key before the session ends (kiosk mode); nil for never.
        public var idleTimeout: Double?

        public init(refreshInterval: Double = 1, idleTimeout: Double? = nil) {
            self.refreshInterval = refreshInterval
            self.idleTimeout = idleTimeout
        }
    }

    /// Changes within this window are one change: an editor's save is several events, all within a
    /// few milliseconds. Short, because it adds to every reload; a reload that a later change
    /// overtakes is cancelled anyway.
    public static var debounce: Int64 { 25_000_000 }
    /// When the files were still changing, the next attempt waits this long.
    public static var retryUnstable: Int64 { 100_000_000 }
    static var tickInterval: Int64 { 1_000_000_000 }

    public private(set) var state: DashboardState
    public private(set) var terminal: Terminal
    var source: Source
    let clock: any LoopClock
    let worker: any ReloadService
    let watcher: any ChangeWatcher
    let directory: String
    let settings: Settings
    let trace: (any LoopTrace)?
    /// Writes an export's files and returns their paths as shown to the user.
    let writeExport: (ExportRequest) throws -> [String]

    private var decoder = KeyDecoder()
    private var escapeDeadline: Int64?
    /// When the debounced change should be loaded.
    private var reloadDue: Int64?
    private var changedWhilePaused = false
    private var nextPoll: Int64 = 0
    private var nextTick: Int64 = 0
    private var lastKey: Int64 = 0
    private var needsDraw = true
    private var exit: LoopExit?

    public init(state: DashboardState, terminal: Terminal, source: Source, clock: any LoopClock,
                worker: any ReloadService, watcher: any ChangeWatcher, directory: String, settings: Settings,
                trace: (any LoopTrace)? = nil, writeExport: @escaping (ExportRequest) throws -> [String]) {
        self.state = state
        self.terminal = terminal
        self.source = source
        self.clock = clock
        self.worker = worker
        self.watcher = watcher
        self.directory = directory
        self.settings = settings
        self.trace = trace
        self.writeExport = writeExport
    }

    /// Runs until `q`, a signal, the terminal's end or the idle timeout.
    public mutating func run() -> LoopExit {
        start()
        while exit == nil { iterate() }
        return exit!
    }

    mutating func start() {
        let now = clock.monotonicNanoseconds
        nextPoll = now + Int64(settings.refreshInterval * 1e9)
        nextTick = now + Self.tickInterval
        lastKey = now
        let size = terminal.size
        perform(state.apply(.resized(width: size.width, height: size.height)))
        drawIfNeeded()
    }

    /// One wait and everything it brought, then at most one frame.
    mutating func iterate() {
        let deadline = [reloadDue, nextPoll, nextTick, escapeDeadline].compactMap { $0 }.min()!
        let wakeup = source.wait(until: deadline)
        let now = clock.monotonicNanoseconds
        if let signal = wakeup.quitSignal { exit = .signal(signal); return }

        if wakeup.resized {
            terminal.updateSize()
            let size = terminal.size
            perform(state.apply(.resized(width: size.width, height: size.height)))
        }
        handleInput(wakeup.input, now: now)
        if exit != nil { return }
        if wakeup.inputClosed { exit = .terminalClosed; return }

        // File changes: inotify now, fingerprints every refresh interval.
        if wakeup.filesChanged { noticeChange("inotify", now: now) }
        if now >= nextPoll {
            nextPoll = now + Int64(settings.refreshInterval * 1e9)
            if watcher.pollForChanges() && reloadDue == nil { noticeChange("poll", now: now) }
        }
        if let due = reloadDue, now >= due {
            reloadDue = nil
            if state.isPaused { changedWhilePaused = true } else { startReload() }
        }
        if !state.isPaused && changedWhilePaused {
            changedWhilePaused = false
            startReload()
        }
        if wakeup.resultsReady { takeResults() }

        if now >= nextTick {
            nextTick = now + Self.tickInterval
            if let timeout = settings.idleTimeout, Double(now - lastKey) / 1e9 >= timeout {
                exit = .idle(timeout)
                return
            }
            perform(state.apply(.tick(epochSeconds: clock.epochSeconds)))
        }
        drawIfNeeded()
    }

    /// Decodes the bytes into keys (an escape sequence may wait up to the escape delay for its
    /// rest) and applies them in order.
    private mutating func handleInput(_ bytes: [UInt8], now: Int64) {
        var keys = bytes.isEmpty ? [] : decoder.decode(bytes)
        if decoder.isPending {
            if !bytes.isEmpty || escapeDeadline == nil { escapeDeadline = now + decoder.pendingDelay }
            if let deadline = escapeDeadline, now >= deadline {
                keys += decoder.flush()
                escapeDeadline = nil
            }
        } else {
            escapeDeadline = nil
        }
        for key in keys {
            lastKey = now
            trace?.record("key_read", at: now, "\(key)")
            perform(state.apply(.keyPressed(key)))
            if exit != nil { return }
        }
        if !keys.isEmpty { keyFrameDue = true }
    }

    private var keyFrameDue = false

    private mutating func drawIfNeeded() {
        guard needsDraw else { return }
        needsDraw = false
        terminal.draw(DashboardView.render(state))
        trace?.record("frame_flushed", at: clock.monotonicNanoseconds, "")
        if keyFrameDue {
            keyFrameDue = false
            trace?.record("key_frame_flushed", at: clock.monotonicNanoseconds, "")
        }
    }

    private mutating func noticeChange(_ source: String, now: Int64) {
        trace?.record("file_event", at: now, source)
        reloadDue = now + Self.debounce
    }

    private mutating func startReload() {
        // The reload reads what is there now, so the poll need not report it again.
        _ = watcher.pollForChanges()
        let generation = worker.request(key: state.requestedKey, reload: true)
        trace?.record("reload_requested", at: clock.monotonicNanoseconds, "generation=\(generation)")
        perform(state.apply(.reloadStarted))
    }

    /// Swaps in the newest request's result; older generations are stale and dropped.
    private mutating func takeResults() {
        let latest = worker.latestRequest
        for result in worker.takeResults() where result.generation == latest {
            let detail = "generation=\(result.generation)"
            trace?.record("parse_start", at: result.parseStarted, detail)
            trace?.record("load_end", at: result.loadEnded, detail)
            trace?.record("parse_end", at: result.parseEnded, detail)
            switch result.outcome {
            case .loaded(let dataset):
                guard let series = result.series else { continue }
                perform(state.apply(.snapshotLoaded(Snapshot(
                    dataset: dataset, directory: directory, loadedAt: clock.clockTime(at: result.loadedEpochSeconds),
                    loadedEpochSeconds: result.loadedEpochSeconds, version: result.datasetVersion, series: series))))
                trace?.record("swap", at: clock.monotonicNanoseconds, detail)
            case .failed(let failure):
                perform(state.apply(.reloadFailed(failure.diagnostics.map(\.description))))
                trace?.record("reload_failed", at: clock.monotonicNanoseconds, detail)
            case .unstable:
                reloadDue = clock.monotonicNanoseconds + Self.retryUnstable
            case .cancelled:
                break
            }
        }
    }

    /// The one place effects are carried out.
    private mutating func perform(_ effect: Effect) {
        switch effect {
        case .none:
            break
        case .render:
            needsDraw = true
        case .quit:
            exit = .quit
        case .copy(let text):
            terminal.copyToClipboard(text)
            needsDraw = true
        case .reloadNow:
            startReload()
        case .analyze(let key):
            let generation = worker.request(key: key, reload: false)
            trace?.record("analyses_requested", at: clock.monotonicNanoseconds, "generation=\(generation)")
            needsDraw = true
        case .export(let request):
            let outcome: Action
            do {
                outcome = .exportFinished(try writeExport(request))
            } catch {
                outcome = .exportFailed("\(error)")
            }
            perform(state.apply(outcome))
        }
    }
}

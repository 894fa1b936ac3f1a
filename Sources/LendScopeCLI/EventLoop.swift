import DashboardUI
import DataIngest
import Foundation
import MarketAnalytics
import NcursesBackend

/// The one event loop: keys, resizes, file changes, reload results and ticks become actions;
/// the reducer returns effects; the loop performs them (draw, quit, export, copy, reload).
/// Nothing else reads the terminal, and the data are loaded on the reload worker's thread.
struct EventLoop {
    var state: DashboardState
    let directory: DataDirectory
    /// Where exports go, as the user typed it.
    let exportDirectory: String
    /// Seconds between fingerprint polls (the fallback and safety net for inotify).
    let refreshInterval: Double
    let useInotify: Bool
    let trace: Trace
    /// Seconds without a key before the session ends (kiosk mode); nil for never.
    var idleTimeout: Double? = nil

    /// Changes within this window are one change: an editor's save is several events, all within
    /// a few milliseconds. Short, because it adds to every reload; a reload that a later change
    /// overtakes is cancelled anyway.
    static let debounce: Int64 = 25_000_000
    /// When the files were still changing, the next attempt waits this long.
    static let retryUnstable: Int64 = 100_000_000

    /// - Returns: the exit status: 0 for `q`, 128 + the signal number after SIGINT, SIGTERM or
    ///   SIGHUP, 129 when the terminal goes away.
    mutating func run() throws -> Int32 {
        let signals = Platform.signalDescriptor()
        var terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(colors: state.options.colors)
        } catch let failure as NcursesTerminal.Failure {
            throw DataRequestError(description: failure.description)
        }
        defer { terminal.restore() }
        let watcher = DirectoryWatcher(directory: directory, useInotify: useInotify)
        let worker = ReloadWorker(directory: directory)
        defer { worker.stop() }
        let size = terminal.size
        _ = state.apply(.resized(width: size.width, height: size.height))
        terminal.draw(DashboardView.render(state))

        var reloadDue: Int64?          // when the debounced change should be loaded
        var changedWhilePaused = false
        let pollEvery = Int64(refreshInterval * 1e9)
        var nextPoll = Clock.monotonicNanoseconds() + pollEvery
        var nextTick = Clock.monotonicNanoseconds() + 1_000_000_000
        var lastKey = Clock.monotonicNanoseconds()

        func noticeChange(_ source: String) {
            trace.record("file_event", source)
            reloadDue = Clock.monotonicNanoseconds() + Self.debounce
        }

        while true {
            let now = Clock.monotonicNanoseconds()
            let deadline = [reloadDue, nextPoll, nextTick].compactMap { $0 }.min()!
            let timeout = Int32(max(0, min(1_000, (deadline - now) / 1_000_000)))
            var descriptors: [Int32] = [0, signals, worker.wakeDescriptor]
            if let inotify = watcher.descriptor { descriptors.append(inotify) }
            let ready = Platform.wait(descriptors, milliseconds: timeout)

            if ready[1].readable { return 128 + (Platform.readSignal(signals) ?? 15) }
            if ready[0].hangUp || (ready[0].readable && Platform.isAtEndOfFile(0)) { return 129 }

            // File changes: inotify now, fingerprints every refresh interval.
            if ready.count > 3, ready[3].readable, watcher.drainEvents() { noticeChange("inotify") }
            if Clock.monotonicNanoseconds() >= nextPoll {
                nextPoll = Clock.monotonicNanoseconds() + pollEvery
                if watcher.pollForChanges() && reloadDue == nil { noticeChange("poll") }
            }
            if let due = reloadDue, Clock.monotonicNanoseconds() >= due {
                reloadDue = nil
                if state.isPaused {
                    changedWhilePaused = true
                } else {
                    startReload(worker, watcher, &terminal)
                }
            }

            // Finished reloads: only the newest request's result is swapped in.
            if ready[2].readable {
                for result in worker.takeResults() where result.generation == worker.latestRequest {
                    if apply(result, worker, &terminal) { reloadDue = Clock.monotonicNanoseconds() + Self.retryUnstable }
                }
            }

            // Keys and resizes.
            if ready[0].readable || ready[0].interrupted {
                var needsDraw = false
                var keys = 0
                while let event = terminal.nextEvent() {
                    let effect: Effect
                    switch event {
                    case .key(let key):
                        keys += 1
                        lastKey = Clock.monotonicNanoseconds()
                        trace.record("key_read", "\(key)")
                        effect = state.apply(.keyPressed(key))
                    case .resized(let width, let height): effect = state.apply(.resized(width: width, height: height))
                    case .closed: return 129
                    }
                    switch effect {
                    case .render: needsDraw = true
                    case .reloadNow: startReload(worker, watcher, &terminal)
                    case .analyze(let key):
                        requestAnalyses(key, worker)
                        needsDraw = true
                    default: if perform(effect, on: &terminal) { return 0 }
                    }
                }
                if !state.isPaused && changedWhilePaused {
                    changedWhilePaused = false
                    startReload(worker, watcher, &terminal)
                }
                // One frame for a burst of keys: ncurses sends only the difference.
                if needsDraw { terminal.draw(DashboardView.render(state)) }
                if keys > 0 { trace.record("key_frame_flushed") }
            }

            if Clock.monotonicNanoseconds() >= nextTick {
                nextTick = Clock.monotonicNanoseconds() + 1_000_000_000
                if let idleTimeout, Double(Clock.monotonicNanoseconds() - lastKey) / 1e9 >= idleTimeout {
                    terminal.restore()
                    StandardError.write("lendscope: no key for \(Int(idleTimeout)) s; the session has ended\n")
                    return 0
                }
                if perform(state.apply(.tick(epochSeconds: Platform.epochSeconds())), on: &terminal) { return 0 }
            }
        }
    }

    /// Shows the refusal screen for `--max-viewers` until a key, a hang-up or 10 s.
    static func refuse(maxViewers: Int, options: DisplayOptions) throws {
        guard Platform.isTerminal(0) && Platform.isTerminal(1) else {
            print("LendScope: all \(maxViewers) viewer places are taken right now; please try again in a few minutes.")
            return
        }
        var terminal = try NcursesTerminal(colors: options.colors)
        defer { terminal.restore() }
        let size = terminal.size
        terminal.draw(DashboardView.refusal(width: size.width, height: size.height, maxViewers: maxViewers,
                                            ascii: options.glyphs.isASCII))
        let ready = Platform.wait([0], milliseconds: 10_000)
        if ready[0].readable { _ = terminal.nextEvent() }
    }

    private mutating func startReload(_ worker: ReloadWorker, _ watcher: DirectoryWatcher,
                                      _ terminal: inout NcursesTerminal) {
        // The reload reads what is there now, so the poll need not report it again.
        _ = watcher.pollForChanges()
        let generation = worker.request(key: state.requestedKey, reload: true)
        trace.record("reload_requested", "generation=\(generation)")
        if state.apply(.reloadStarted) == .render { terminal.draw(DashboardView.render(state)) }
    }

    /// Asks the worker for analyses under another key (`n`, `m`): the worker owns every analysis.
    private func requestAnalyses(_ key: AnalysisKey, _ worker: ReloadWorker) {
        let generation = worker.request(key: key, reload: false)
        trace.record("analyses_requested", "generation=\(generation)")
    }

    /// Swaps in a finished reload or a new set of analyses, or shows why a reload failed.
    /// - Returns: true when the files were still changing and the load should be tried again.
    private mutating func apply(_ result: ReloadResult, _ worker: ReloadWorker, _ terminal: inout NcursesTerminal) -> Bool {
        trace.record("parse_start", at: result.parseStarted, "generation=\(result.generation)")
        trace.record("load_end", at: result.loadEnded, "generation=\(result.generation)")
        trace.record("parse_end", at: result.parseEnded, "generation=\(result.generation)")
        switch result.outcome {
        case .loaded(let dataset):
            guard let series = result.series else { return false }
            let effect = state.apply(.snapshotLoaded(Snapshot(
                dataset: dataset, directory: directory.path, loadedAt: Platform.clockTime(at: result.loadedEpochSeconds),
                loadedEpochSeconds: result.loadedEpochSeconds, version: result.datasetVersion, series: series)))
            if case .analyze(let key) = effect { requestAnalyses(key, worker) }
            trace.record("swap", "generation=\(result.generation)")
        case .failed(let failure):
            _ = state.apply(.reloadFailed(failure.diagnostics.map(\.description)))
            trace.record("reload_failed", "generation=\(result.generation)")
        case .unstable:
            return true
        case .cancelled:
            return false
        }
        terminal.draw(DashboardView.render(state))
        trace.record("frame_flushed")
        return false
    }

    /// Performs an effect and any follow-up; true when the program should quit.
    private mutating func perform(_ effect: Effect, on terminal: inout NcursesTerminal) -> Bool {
        switch effect {
        case .none, .reloadNow, .analyze:
            return false
        case .quit:
            return true
        case .render:
            terminal.draw(DashboardView.render(state))
            return false
        case .copy(let text):
            terminal.copyToClipboard(text)
            terminal.draw(DashboardView.render(state))
            return false
        case .export(let request):
            let outcome: Action
            do {
                outcome = .exportFinished(try ExportWriter(directory: exportDirectory).write(request))
            } catch {
                outcome = .exportFailed("\(error)")
            }
            return perform(state.apply(outcome), on: &terminal)
        }
    }
}

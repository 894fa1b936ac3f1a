import DashboardRuntime
import DashboardUI
import DataIngest
import NcursesBackend

/// Wires the dashboard's event loop to the real terminal, clock, worker and watcher, and shows
/// the refusal screen when every viewer place is taken.
enum DashboardSession {
    /// - Returns: the exit status: 0 for `q` and the idle timeout, 128 + the signal number after
    ///   SIGINT, SIGTERM or SIGHUP, 129 when the terminal goes away.
    static func run(state: DashboardState, directory: DataDirectory, exportDirectory: String,
                    settings: EventLoop<NcursesTerminal, PollReadiness>.Settings, useInotify: Bool,
                    trace: Trace) throws -> Int32 {
        let signals = Platform.signalDescriptor()
        var terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(colors: state.options.colors)
        } catch let failure as NcursesTerminal.Failure {
            throw DataRequestError(description: failure.description)
        }
        if state.features.readOnly { Platform.ignoreQuit() }
        let watcher = DirectoryWatcher(directory: directory, useInotify: useInotify)
        let worker = ReloadWorker(directory: directory)
        defer { worker.stop() }
        var loop = EventLoop(
            state: state, terminal: terminal,
            source: PollReadiness(signals: signals, workerWake: worker.wakeDescriptor, watcher: watcher),
            clock: SystemClock(), worker: worker, watcher: watcher, directory: directory.path, settings: settings,
            trace: trace.isEnabled ? trace : nil,
            writeExport: { try ExportWriter(directory: exportDirectory).write($0) })
        let exit = loop.run()
        terminal = loop.terminal
        terminal.restore()
        if case .idle(let seconds) = exit {
            StandardError.write("lendscope: no key for \(Int(seconds)) s; the session has ended\n")
        }
        return exit.status
    }

    /// Shows the refusal screen for `--max-viewers` until a key, a hang-up or 10 s.
    static func refuse(maxViewers: Int, options: DisplayOptions) throws {
        guard Platform.isTerminal(0) && Platform.isTerminal(1) else {
            print("LendScope: all \(maxViewers) viewer place\(maxViewers == 1 ? " is" : "s are") taken right now; "
                  + "please try again in a few minutes.")
            return
        }
        var terminal = try NcursesTerminal(colors: options.colors)
        defer { terminal.restore() }
        let size = terminal.size
        terminal.draw(DashboardView.refusal(width: size.width, height: size.height, maxViewers: maxViewers,
                                            ascii: options.glyphs.isASCII))
        let ready = Platform.wait([0], milliseconds: 10_000)
        if ready[0].readable { _ = Platform.readAvailable(0) }
    }
}

import DashboardUI
import NcursesBackend

/// The one event loop: keys, resizes and ticks become actions, the reducer returns effects,
/// and the loop performs them (draw, quit). Nothing else in the program reads the terminal.
struct EventLoop {
    var state: DashboardState

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
        let size = terminal.size
        _ = state.apply(.resized(width: size.width, height: size.height))
        terminal.draw(DashboardView.render(state))

        while true {
            switch Platform.wait(input: 0, signals: signals, milliseconds: 1_000) {
            case .signal:
                let number = Platform.readSignal(signals) ?? 15
                return 128 + number
            case .hangUp:
                return 129
            case .timeout:
                if perform(state.apply(.tick(Platform.clockTime())), on: &terminal) { return 0 }
            case .input:
                var needsDraw = false
                while let event = terminal.nextEvent() {
                    let effect: Effect
                    switch event {
                    case .key(let key): effect = state.apply(.keyPressed(key))
                    case .resized(let width, let height): effect = state.apply(.resized(width: width, height: height))
                    case .closed: return 129
                    }
                    if effect == .quit { return 0 }
                    if effect == .render { needsDraw = true }
                }
                // One frame for a burst of keys: ncurses sends only the difference.
                if needsDraw { terminal.draw(DashboardView.render(state)) }
            }
        }
    }

    /// Performs an effect; true when the program should quit.
    private mutating func perform(_ effect: Effect, on terminal: inout NcursesTerminal) -> Bool {
        switch effect {
        case .quit: return true
        case .render: terminal.draw(DashboardView.render(state)); return false
        case .none: return false
        }
    }
}

import DashboardUI
import Foundation
import NcursesBackend

/// The one event loop: keys, resizes and ticks become actions, the reducer returns effects,
/// and the loop performs them (draw, quit, export, copy). Nothing else reads the terminal.
struct EventLoop {
    var state: DashboardState
    /// Where exports go, as the user typed it.
    let exportDirectory: String

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
                return 128 + (Platform.readSignal(signals) ?? 15)
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
                    // Draws are batched: one frame for a burst of keys; ncurses sends only the difference.
                    if effect == .render { needsDraw = true; continue }
                    if perform(effect, on: &terminal) { return 0 }
                }
                if needsDraw { terminal.draw(DashboardView.render(state)) }
            }
        }
    }

    /// Performs an effect and any follow-up; true when the program should quit.
    private mutating func perform(_ effect: Effect, on terminal: inout NcursesTerminal) -> Bool {
        switch effect {
        case .none:
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

import ArgumentParser
import DashboardRuntime
import DashboardUI
import DataIngest
import Foundation
import MarketAnalytics
import TerminalText
#if canImport(Glibc)
import Glibc
#endif

struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the interactive dashboard (the default command).",
        discussion: """
            Without a terminal (a pipe, TERM=dumb) or with --plain it prints the overview as text and exits. \
            NO_COLOR turns colours off. In --read-only sessions e (and, without --allow-clipboard, y and Y) \
            do nothing and are not listed on screen. The help screen (? or F1) has this table and a glossary.

            Keys:

            """ + Keymap.plainText()
    )

    @OptionGroup var data: DataDirectoryArgument

    @Flag(help: "Draw with ASCII only (also when the locale is not UTF-8); non-ASCII names show as '?'.")
    var ascii = false

    @Flag(help: "Print the overview as plain text and exit: for screen readers and pipes.")
    var plain = false

    @Flag(name: .customLong("no-color"), help: "No colours (emphasis and markers stay). NO_COLOR does the same.")
    var noColor = false

    @Option(help: "Open at this period, YYYYQn or YYYY-MM (default: the latest).")
    var period: String?

    @Option(name: .customLong("export-dir"), help: "Where e writes the current view as CSV and Markdown.",
            completion: .directory)
    var exportDirectory: String = "."

    @Flag(name: .customLong("no-export"), help: "Disable export to files.")
    var noExport = false

    @Flag(name: .customLong("no-clipboard"), help: "Disable copying to the clipboard (OSC 52).")
    var noClipboard = false

    @Flag(name: .customLong("read-only"), help: """
        Kiosk for remote viewers: no export, no suspend (Ctrl-Z ignored), copy only with \
        --allow-clipboard; the header says read-only.
        """)
    var readOnly = false

    @Flag(name: .customLong("allow-clipboard"), help: "With --read-only, still allow copying through OSC 52.")
    var allowClipboard = false

    @Option(name: .customLong("min-cell"),
            help: ArgumentHelp(MinCell.help + ", on screen, in exports and copies (default: \(SmallCellRule.kioskDefault) with "
                               + "--read-only, else off).", valueName: MinCell.valueName))
    var minCell: Int?

    @Option(name: .customLong("warn-at"), help: ArgumentHelp(WarnAt.help + ".", valueName: WarnAt.valueName))
    var warnAt: Double = ColendingCap.defaultWarnAt

    /// `--min-cell` as given, else the kiosk's default: a shared screen must not single anyone out.
    var smallCells: SmallCellRule { MinCell.rule(minCell, default: readOnly ? SmallCellRule.kioskDefault : 0) }

    @Option(name: .customLong("max-viewers"), help: "Refuse this viewer when this many are already watching (any connection).")
    var maxViewers: Int?

    @Option(name: .customLong("viewer-dir"),
            help: "Where viewers' lock files live: a directory private to this account (default $XDG_RUNTIME_DIR/lendscope-viewers or ~/.lendscope-viewers; ssh-config sets up OUT/viewers).")
    var viewerDirectory: String?

    @Option(name: .customLong("idle-timeout"), help: "End the session after this many seconds without a key.")
    var idleTimeout: Double?

    @Option(help: "Seconds between checks of the data files (inotify reports changes at once; this is the fallback).")
    var refresh: Double = 1

    @Flag(name: .customLong("no-inotify"), help: "Notice changes by polling only.")
    var noInotify = false

    @Option(help: "Write a trace of monotonic timestamps (file events, parses, swaps, frames, keys) to this file.")
    var trace: String?

    func validate() throws {
        try MinCell.validate(minCell)
        try WarnAt.validate(warnAt)
        guard refresh >= 0.05, refresh <= 3_600 else {
            throw ValidationError("--refresh takes seconds from 0.05 to 3600")
        }
        if let maxViewers, maxViewers < 1 { throw ValidationError("--max-viewers takes 1 or more") }
        if let idleTimeout, idleTimeout < 1 { throw ValidationError("--idle-timeout takes 1 second or more") }
    }

    func run() throws {
        let locale = Platform.setLocaleFromEnvironment()
        let dataset = try data.load()
        let environment = ProcessInfo.processInfo.environment
        let colors = !noColor && (environment["NO_COLOR"] ?? "").isEmpty
        let options = DisplayOptions(glyphs: ascii || !locale.isUTF8 ? .ascii : .unicode, colors: colors)
        // Version 0: the reload worker numbers its loads from 1, so its first is never taken for this one.
        let snapshot = Snapshot(dataset: dataset, directory: data.directory, loadedAt: Platform.clockTime(),
                                loadedEpochSeconds: Platform.epochSeconds(), version: 0, key: AnalysisKey(warnAt: warnAt))
        let features = readOnly
            ? Features(export: false, clipboard: allowClipboard, readOnly: true)
            : Features(export: !noExport, clipboard: !noClipboard)
        var state = DashboardState(options: options, features: features, smallCells: smallCells)
        _ = state.apply(.snapshotLoaded(snapshot))
        if let period {
            try selectPeriod(period, in: &state)
        }

        // Keep the place for the life of the process; the kernel frees it however the process ends.
        var place: Int32?
        if let maxViewers {
            guard let directory = viewerDirectory ?? ViewerSlots.defaultDirectory() else {
                throw DataRequestError(description: "--max-viewers needs a private directory for its place files and found "
                                       + "none ($XDG_RUNTIME_DIR or a home of your own): pass --viewer-dir")
            }
            switch ViewerSlots(directory: directory, count: maxViewers).acquire() {
            case .place(let fd):
                place = fd
            case .full:
                try DashboardSession.refuse(maxViewers: maxViewers, options: options)
                throw ExitCode(75)
            case .unusable(let reason):
                throw DataRequestError(description: reason)
            }
        }
        defer { if let place { close(place) } }
        let term = environment["TERM"] ?? ""
        if plain || term == "dumb" || term.isEmpty || !Platform.isTerminal(1) || !Platform.isTerminal(0) {
            let width = Int(environment["COLUMNS"] ?? "") ?? 100
            _ = state.apply(.resized(width: width, height: 24))
            print(DashboardView.plainText(state), terminator: "")
            return
        }
        if readOnly { Platform.ignoreSuspend() }
        let status = try DashboardSession.run(
            state: state, directory: try data.dataDirectory, exportDirectory: exportDirectory,
            settings: .init(refreshInterval: refresh, idleTimeout: idleTimeout), useInotify: !noInotify,
            trace: Trace(path: trace))
        if status != 0 { throw ExitCode(status) }
    }

    /// Moves the state to `text`'s period by pressing ← as a user would, so the reducer stays the only writer.
    func selectPeriod(_ text: String, in state: inout DashboardState) throws {
        guard let wanted = state.periods.first(where: { $0.description == text }) else {
            throw ValidationError("no balances for period '\(SafeText.sanitize(text))'")
        }
        while let current = state.analysis?.period, current > wanted {
            _ = state.apply(.keyPressed(.left))
        }
    }
}

import DashboardRuntime
import DashboardUI
import DataIngest
import Foundation
import MarketAnalytics
import Testing

/// The event loop driven by a script: a test clock, a recording terminal, a fake worker.
@Suite("Event loop")
struct EventLoopTests {
    static let sample: MarketDataset = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try! DataDirectory(path: root.appendingPathComponent("sample-data").path).load()
    }()

    struct Harness {
        let clock = TestClock()
        let worker = FakeWorker()
        let watcher = FakeWatcher()
        let trace = RecordedTrace()
        var exports: [ExportRequest] = []

        func state(width: Int = 80, height: Int = 24, features: Features = Features()) -> DashboardState {
            var state = DashboardState(width: width, height: height, features: features)
            _ = state.apply(.snapshotLoaded(Snapshot(dataset: sample, directory: "sample-data",
                                                     loadedAt: clock.clockTime(at: clock.epochSeconds),
                                                     loadedEpochSeconds: clock.epochSeconds, version: 0)))
            return state
        }

        func loop(_ script: [(Int64, Wakeup)], state: DashboardState? = nil, idleTimeout: Double? = nil,
                  terminal: RecordingTerminal = RecordingTerminal(width: 80, height: 24),
                  before: ((Int) -> Void)? = nil) -> EventLoop<RecordingTerminal, ScriptedSource> {
            EventLoop(state: state ?? self.state(), terminal: terminal,
                      source: ScriptedSource(clock: clock, script, before: before), clock: clock, worker: worker,
                      watcher: watcher, directory: "sample-data",
                      settings: .init(refreshInterval: 1, idleTimeout: idleTimeout), trace: trace,
                      writeExport: { request in request.files.map { "out/" + $0.name } })
        }

        /// A finished load of the sample data for `generation`.
        func loaded(_ generation: Int, version: Int, key: AnalysisKey = AnalysisKey()) -> ReloadResult {
            ReloadResult(generation: generation, outcome: .loaded(sample), datasetVersion: version,
                         loadedEpochSeconds: clock.epochSeconds, series: AnalysisSeries(dataset: sample, key: key))
        }
    }

    static func keys(_ text: String) -> Wakeup { Wakeup(input: Array(text.utf8)) }

    @Test("a burst of keys in one read is one frame; q at the top quits")
    func oneFramePerIteration() {
        let harness = Harness()
        var loop = harness.loop([(10, Self.keys("jjjj")), (20, Self.keys("q"))])
        #expect(loop.run() == .quit)
        // The first frame, then one for the four keys; q draws nothing.
        #expect(loop.terminal.frames.count == 2)
        #expect(loop.state.selectedGroup == "Du Xiaoman", "four rows down from Ant Group")
    }

    @Test("End sent as ESC [ 4 ~ (tmux, PuTTY) selects the last row and changes neither view nor period")
    func tmuxEnd() {
        let harness = Harness()
        var start = harness.state()
        _ = start.apply(.keyPressed(.character("b")))
        let period = start.analysis?.period
        var loop = harness.loop([(10, Self.keys("\u{1B}[4~")), (20, Self.keys("\u{1B}[1~"))], state: start)
        #expect(loop.run() == .terminalClosed)
        #expect(loop.state.view == .banks)
        #expect(loop.state.analysis?.period == period)
        #expect(loop.state.sort.descending)
    }

    @Test("a sequence split across reads is still one key; a lone Esc acts after the escape delay")
    func escapeDelay() {
        let harness = Harness()
        var start = harness.state()
        _ = start.apply(.keyPressed(.character("b")))
        // ESC [ now, 4 ~ five milliseconds later: End, not Esc.
        var loop = harness.loop([(10, Self.keys("\u{1B}[")), (15, Self.keys("4~")), (100, Self.keys("\u{1B}")),
                                 (500, Wakeup())], state: start)
        _ = loop.run()
        #expect(loop.state.view == .overview, "the lone Esc went back once its delay passed")
        let banks = harness.trace.events.filter { $0 == "key_read" }.count
        #expect(banks == 2, "End and Esc, nothing replayed")
    }

    @Test("file changes are debounced: several within 25 ms are one reload, started 25 ms after the last")
    func debounce() {
        let harness = Harness()
        let change = Wakeup(filesChanged: true)
        var reloadsSeen: [Int] = []
        var loop = harness.loop([(10, change), (20, change), (30, change), (40, Wakeup()), (54, Wakeup()),
                             (56, Wakeup()), (300, Wakeup())], before: { _ in reloadsSeen.append(harness.worker.reloads) })
        _ = loop.run()
        // Before the wakeups at 10, 20, 30, 40, 54: none; the one due at 55 ms comes before 56.
        #expect(reloadsSeen.prefix(5).allSatisfy { $0 == 0 }, "\(reloadsSeen)")
        #expect(harness.worker.reloads == 1)
    }

    @Test("only the newest generation's result is swapped in; stale ones are dropped")
    func staleGenerations() {
        let harness = Harness()
        var loop = harness.loop([(10, Self.keys("r")), (20, Self.keys("r")), (30, Wakeup(resultsReady: true))],
                                before: { index in
            if index == 2 {
                // Generation 1 (stale) loaded version 5; generation 2 (the newest) failed.
                let failure = IngestFailure([Diagnostic(path: "d/balances.csv", line: 3, column: 1, message: "bad")])
                harness.worker.queued = [
                    harness.loaded(1, version: 5),
                    ReloadResult(generation: 2, outcome: .failed(failure), datasetVersion: 1, loadedEpochSeconds: 0,
                                 series: nil),
                ]
            }
        })
        _ = loop.run()
        #expect(harness.worker.reloads == 2)
        #expect(loop.state.snapshot?.version == 0, "the stale load was not swapped in")
        #expect(loop.state.loadErrors == ["d/balances.csv:3:1: bad"])
        #expect(!loop.state.isReloading)
    }

    @Test("r reloads now (both where keys are read and in the one effect performer)")
    func reloadNow() {
        let harness = Harness()
        var loop = harness.loop([(10, Self.keys("r"))])
        _ = loop.run()
        #expect(harness.worker.requests.count == 1)
        #expect(harness.worker.requests.first?.reload == true)
        #expect(loop.state.isReloading)
    }

    @Test("while paused a change is noticed, not loaded; resuming loads it at once")
    func pauseAndCatchUp() {
        let harness = Harness()
        var counts: [Int] = []
        var loop = harness.loop([(10, Self.keys("P")), (20, Wakeup(filesChanged: true)), (200, Wakeup()),
                                 (300, Self.keys("P")), (301, Wakeup())],
                                before: { _ in counts.append(harness.worker.reloads) })
        _ = loop.run()
        #expect(counts == [0, 0, 0, 0, 1], "nothing loaded while paused; one reload right after resuming")
        #expect(!loop.state.isPaused)
    }

    @Test("the idle timeout ends the session after that long without a key, and a key restarts it")
    func idleTimeout() {
        let harness = Harness()
        let start = harness.clock.monotonicNanoseconds
        var loop = harness.loop([(1_500, Self.keys("j")), (60_000, Wakeup())], idleTimeout: 3)
        #expect(loop.run() == .idle(3))
        // The last key at 1.5 s; the first tick at or after 4.5 s ends it (ticks each second).
        let ended = Double(harness.clock.monotonicNanoseconds - start) / 1e9
        #expect(ended >= 4.5 && ended <= 5.5, "ended at \(ended) s")
        #expect(harness.trace.events.filter { $0 == "key_read" }.count == 1)
    }

    @Test("a quit signal ends the loop with its number; a closed terminal with 129")
    func signalsAndHangUp() {
        let harness = Harness()
        var loop = harness.loop([(10, Wakeup(quitSignal: 15))])
        #expect(loop.run() == .signal(15))
        #expect(LoopExit.signal(15).status == 143)
        var closed = harness.loop([(10, Wakeup(inputClosed: true))])
        #expect(closed.run() == .terminalClosed)
        #expect(LoopExit.terminalClosed.status == 129)
    }

    @Test("a resize asks the terminal its size and draws once at the new size")
    func resize() {
        let harness = Harness()
        var terminal = RecordingTerminal(width: 80, height: 24)
        terminal.sizeAfterResize = (100, 30)
        var loop = harness.loop([(10, Wakeup(resized: true))], terminal: terminal)
        _ = loop.run()
        #expect(loop.terminal.frames.count == 2)
        #expect(loop.terminal.frames.last?.width == 100)
        #expect(loop.state.height == 30)
    }

    @Test("n asks the worker for analyses only, and the screen says what it is computing")
    func analyze() {
        let harness = Harness()
        var loop = harness.loop([(10, Self.keys("n"))])
        _ = loop.run()
        #expect(harness.worker.requests.count == 1)
        #expect(harness.worker.requests.first?.reload == false)
        #expect(harness.worker.requests.first?.key.measure == .originations)
        #expect(loop.terminal.frames.last?.trimmedLines.first?.contains("computing new lending") == true)
    }

    @Test("e writes the export through the one effect performer and shows where it went")
    func export() {
        let harness = Harness()
        var loop = harness.loop([(10, Self.keys("e"))])
        _ = loop.run()
        #expect(loop.state.statusMessage?.hasPrefix("exported out/lendscope-overview-") == true)
        #expect(loop.terminal.frames.count == 2)
    }
}

import DashboardRuntime
import DashboardUI
import DataIngest
#if canImport(Glibc)
import Glibc
#endif

/// The program's readiness source: `poll` on the terminal, the signal pipe, the reload worker's
/// wake pipe and inotify. It reads what is ready (the terminal's bytes, the signals' numbers,
/// inotify's events) and says what came; the loop decides what it means.
struct PollReadiness: ReadinessSource {
    let signals: Int32
    let workerWake: Int32
    let watcher: DirectoryWatcher

    func wait(until deadline: Int64) -> Wakeup {
        let now = Clock.monotonicNanoseconds()
        // At most a second, so a clock that jumps cannot stall the loop.
        let timeout = Int32(max(0, min(1_000, (deadline - now + 999_999) / 1_000_000)))
        var descriptors: [Int32] = [0, signals, workerWake]
        if let inotify = watcher.descriptor { descriptors.append(inotify) }
        let ready = Platform.wait(descriptors, milliseconds: timeout)
        var wakeup = Wakeup()
        if ready[1].readable {
            for number in Platform.readSignals(signals) {
                if number == SIGWINCH { wakeup.resized = true } else { wakeup.quitSignal = wakeup.quitSignal ?? number }
            }
        }
        if ready[0].readable || ready[0].hangUp {
            switch Platform.readAvailable(0) {
            case .bytes(let bytes): wakeup.input = bytes
            case .endOfFile: wakeup.inputClosed = true
            case .nothing: if ready[0].hangUp { wakeup.inputClosed = true }
            }
        }
        wakeup.resultsReady = ready[2].readable
        if ready.count > 3, ready[3].readable, watcher.drainEvents() { wakeup.filesChanged = true }
        return wakeup
    }
}

/// The real clocks.
struct SystemClock: LoopClock {
    var monotonicNanoseconds: Int64 { Clock.monotonicNanoseconds() }
    var epochSeconds: Double { Platform.epochSeconds() }
    func clockTime(at epochSeconds: Double) -> ClockTime { Platform.clockTime(at: epochSeconds) }
}

import DashboardRuntime
import DashboardUI
import DataIngest
import MarketAnalytics

/// A clock the script moves: the loop sees time pass only when it waits.
final class TestClock: LoopClock {
    var monotonicNanoseconds: Int64 = 1_000_000_000_000
    var epochSeconds: Double { 1_800_000_000 + Double(monotonicNanoseconds) / 1e9 }
    func clockTime(at epochSeconds: Double) -> ClockTime {
        let seconds = Int(epochSeconds) % 86_400
        return ClockTime(hour: seconds / 3_600, minute: seconds / 60 % 60, second: seconds % 60)
    }
}

/// Wakeups at set times (milliseconds after the start); between them the loop's deadlines pass
/// as they would. When the script runs out, the terminal closes.
struct ScriptedSource: ReadinessSource {
    let clock: TestClock
    let start: Int64
    var script: [(atMilliseconds: Int64, wakeup: Wakeup)]
    /// Called before each wait returns a scripted wakeup (a test pushes worker results there).
    var before: ((Int) -> Void)?
    private var delivered = 0
    /// Every deadline the loop asked to wait until.
    private(set) var deadlines: [Int64] = []

    init(clock: TestClock, _ script: [(Int64, Wakeup)], before: ((Int) -> Void)? = nil) {
        self.clock = clock
        self.start = clock.monotonicNanoseconds
        self.script = script.map { (atMilliseconds: $0.0, wakeup: $0.1) }
        self.before = before
    }

    mutating func wait(until deadline: Int64) -> Wakeup {
        deadlines.append(deadline)
        guard let next = script.first else {
            clock.monotonicNanoseconds = max(clock.monotonicNanoseconds, deadline)
            return Wakeup(inputClosed: true)
        }
        let at = start + next.atMilliseconds * 1_000_000
        if at > deadline {
            clock.monotonicNanoseconds = max(clock.monotonicNanoseconds, deadline)
            return Wakeup()
        }
        clock.monotonicNanoseconds = max(clock.monotonicNanoseconds, at)
        script.removeFirst()
        before?(delivered)
        delivered += 1
        return next.wakeup
    }
}

/// A reload worker that records requests and hands out the results a test queues.
final class FakeWorker: ReloadService {
    private(set) var requests: [(key: AnalysisKey, reload: Bool)] = []
    var queued: [ReloadResult] = []

    func request(key: AnalysisKey, reload: Bool) -> Int {
        requests.append((key, reload))
        return requests.count
    }

    var latestRequest: Int { requests.count }

    func takeResults() -> [ReloadResult] {
        defer { queued = [] }
        return queued
    }

    var reloads: Int { requests.filter(\.reload).count }
}

/// Fingerprint polls that report a change when told to.
final class FakeWatcher: ChangeWatcher {
    var changed = false
    private(set) var polls = 0

    func pollForChanges() -> Bool {
        polls += 1
        defer { changed = false }
        return changed
    }
}

final class RecordedTrace: LoopTrace {
    private(set) var events: [String] = []
    func record(_ event: String, at time: Int64, _ detail: String) { events.append(event) }
}

import Foundation
import MarketAnalytics
#if canImport(Glibc)
import Glibc
#endif

/// The result of one request, with monotonic timestamps for `--trace`.
public struct ReloadResult: Sendable {
    public let generation: Int
    /// The files' outcome; for a request that only asked for other analyses, `.loaded` with the
    /// dataset already loaded (same `datasetVersion`).
    public let outcome: LoadOutcome
    /// Counts successful loads: the same version means the same dataset as before.
    public let datasetVersion: Int
    /// Seconds since the epoch when that dataset was loaded.
    public let loadedEpochSeconds: Double
    public let parseStarted: Int64
    /// When the files were read, validated and parsed; the analyses follow.
    public let loadEnded: Int64
    public let parseEnded: Int64
    /// Every period's analysis under the requested key, computed here so the UI thread only swaps.
    public let series: AnalysisSeries?

    public init(generation: Int, outcome: LoadOutcome, datasetVersion: Int, loadedEpochSeconds: Double,
                parseStarted: Int64 = 0, loadEnded: Int64 = 0, parseEnded: Int64 = 0, series: AnalysisSeries?) {
        self.generation = generation
        self.outcome = outcome
        self.datasetVersion = datasetVersion
        self.loadedEpochSeconds = loadedEpochSeconds
        self.parseStarted = parseStarted
        self.loadEnded = loadEnded
        self.parseEnded = parseEnded
        self.series = series
    }
}

/// Reloads a data directory on its own thread, so the UI keeps drawing and answering keys.
///
/// A dedicated thread, not Swift's cooperative pool (two threads on this machine kind, which a
/// long parse would starve). Each request gets a generation number; a newer request cancels
/// the one in flight, and only the newest result is worth swapping in. A request names the
/// analysis key (market definition, measure) the screen wants, and may ask for analyses only,
/// without reading the files: the worker is the one owner of analyses, so the UI never computes a
/// different one on its own thread. Results are collected under a lock, and a byte written to
/// `wakeDescriptor` wakes the event loop's `poll`.
public final class ReloadWorker: @unchecked Sendable {
    private let directory: DataDirectory
    private let settle: Double
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested = 0
    private var requestedKey = AnalysisKey()
    /// The generation of the newest request that asked for the files to be read.
    private var reloadRequested = 0
    /// The generation whose load last finished (not cancelled).
    private var reloadFinished = 0
    private var started = 0
    private var results: [ReloadResult] = []
    private var stopping = false
    private let wakeWrite: Int32
    /// What the last reload parsed of the loan files (used on the worker thread only).
    private let reloadCache = ReloadCache()
    /// The last analyses and what they were made from (worker thread only).
    private var lastAnalyses: (baseVersion: Int, key: AnalysisKey, periods: [Period], analyses: [PeriodAnalysis])?
    /// The last dataset loaded, its version and load time (worker thread only).
    private var lastDataset: (dataset: MarketDataset, version: Int, epochSeconds: Double)?
    /// Poll this descriptor; it is readable when results are waiting.
    public let wakeDescriptor: Int32

    public init(directory: DataDirectory, settle: Double = 0.15) {
        self.directory = directory
        self.settle = settle
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptor = ends[0]
        wakeWrite = ends[1]
        let thread = Thread { self.run() } // keeps the worker alive until `stop()`
        thread.name = "lendscope-reload"
        thread.start()
    }

    /// Every period's analysis under `key`. When only loan files changed since the last load (same
    /// validated small files, same key, balances measure), the last analyses are kept with the new
    /// loans' stacking: the balances measure takes nothing else from the loans.
    func analyze(_ dataset: MarketDataset, key: AnalysisKey) -> AnalysisSeries {
        let periods = dataset.periods
        if let last = lastAnalyses, last.baseVersion == reloadCache.baseVersion, last.key == key,
           last.periods == periods {
            let kept = last.analyses.compactMap { $0.withLoans(of: dataset) }
            if kept.count == last.analyses.count {
                lastAnalyses = (last.baseVersion, key, periods, kept)
                return AnalysisSeries(kept, key: key)
            }
        }
        let series = AnalysisSeries(dataset: dataset, key: key)
        lastAnalyses = (reloadCache.baseVersion, key, periods, series.analyses)
        return series
    }

    /// Asks for a reload, or only for analyses under another key; a request already running is
    /// cancelled at its next check.
    /// - Parameters:
    ///   - key: the analyses the screen wants (a definition the data lack falls back to the default).
    ///   - reload: read the files; false computes analyses of the dataset already loaded (the files
    ///     are read anyway when none is, or when an earlier reload was cancelled).
    /// - Returns: the new request's generation.
    @discardableResult
    public func request(key: AnalysisKey = AnalysisKey(), reload: Bool = true) -> Int {
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        requestedKey = key
        if reload { reloadRequested = requested }
        condition.signal()
        return requested
    }

    /// The newest generation asked for.
    public var latestRequest: Int {
        condition.lock()
        defer { condition.unlock() }
        return requested
    }

    /// Takes every finished result (oldest first) and empties the wake pipe.
    public func takeResults() -> [ReloadResult] {
        var byte: UInt8 = 0
        while read(wakeDescriptor, &byte, 1) == 1 {}
        condition.lock()
        defer { condition.unlock() }
        let taken = results
        results = []
        return taken
    }

    /// Stops the thread after its current load; pending results are dropped.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    static func epochSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private func run() {
        while true {
            condition.lock()
            while started == requested && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            let generation = requested
            let wanted = requestedKey
            let mustLoad = reloadRequested > reloadFinished || lastDataset == nil
            started = generation
            condition.unlock()

            let parseStarted = Clock.monotonicNanoseconds()
            var outcome: LoadOutcome
            if mustLoad {
                outcome = directory.loadConsistently(settle: settle, reloadCache: reloadCache) {
                    self.condition.lock()
                    defer { self.condition.unlock() }
                    return self.requested != generation || self.stopping
                }
                if case .cancelled = outcome {} else {
                    condition.lock()
                    reloadFinished = max(reloadFinished, min(generation, reloadRequested))
                    condition.unlock()
                }
                if case .loaded(let dataset) = outcome {
                    lastDataset = (dataset, (lastDataset?.version ?? 0) + 1, Self.epochSeconds())
                }
            } else {
                outcome = .loaded(lastDataset!.dataset)
            }
            let loadEnded = Clock.monotonicNanoseconds()
            var series: AnalysisSeries?
            if case .loaded(let dataset) = outcome {
                var key = wanted
                if let definition = key.definition, !dataset.marketDefinitions(for: key.measure).contains(definition) {
                    key.definition = nil
                }
                if key.measure == .originations && dataset.loans == nil { key.measure = .balances }
                series = analyze(dataset, key: key)
            }
            let result = ReloadResult(generation: generation, outcome: outcome, datasetVersion: lastDataset?.version ?? 0,
                                      loadedEpochSeconds: lastDataset?.epochSeconds ?? 0, parseStarted: parseStarted,
                                      loadEnded: loadEnded, parseEnded: Clock.monotonicNanoseconds(), series: series)
            condition.lock()
            results.append(result)
            condition.unlock()
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }
}

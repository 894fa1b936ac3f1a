import Foundation
import MarketAnalytics
#if canImport(Glibc)
import Glibc
#endif

/// The result of one reload, with monotonic timestamps for `--trace`.
public struct ReloadResult: Sendable {
    public let generation: Int
    public let outcome: LoadOutcome
    public let parseStarted: Int64
    /// When the files were read, validated and parsed; the analyses follow.
    public let loadEnded: Int64
    public let parseEnded: Int64
    /// Every period's analysis under `definition`, computed here so the UI thread only swaps.
    public let analyses: [PeriodAnalysis]
    public let definition: String?
}

/// Reloads a data directory on its own thread, so the UI keeps drawing and answering keys.
///
/// A dedicated thread, not Swift's cooperative pool (two threads on this machine kind, which a
/// long parse would starve). Each request gets a generation number; a newer request cancels
/// the one in flight, and only the newest result is worth swapping in. Results are collected
/// under a lock, and a byte written to `wakeDescriptor` wakes the event loop's `poll`.
public final class ReloadWorker: @unchecked Sendable {
    private let directory: DataDirectory
    private let settle: Double
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested = 0
    private var requestedDefinition: String?
    private var started = 0
    private var results: [ReloadResult] = []
    private var stopping = false
    private let wakeWrite: Int32
    /// What the last reload parsed of the loan files (used on the worker thread only).
    private let reloadCache = ReloadCache()
    /// The last analyses and what they were made from (worker thread only).
    private var lastAnalyses: (baseVersion: Int, definition: String?, periods: [Period], analyses: [PeriodAnalysis])?
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

    /// Every period's analysis. When only loan files changed since the last load (same validated
    /// small files, same definition), the last analyses are kept with the new loans' stacking:
    /// the balances measure takes nothing else from the loans.
    func analyze(_ dataset: MarketDataset, definition: String?) -> [PeriodAnalysis] {
        let periods = dataset.periods
        if let last = lastAnalyses, last.baseVersion == reloadCache.baseVersion, last.definition == definition,
           last.periods == periods {
            let kept = last.analyses.compactMap { $0.withLoans(of: dataset) }
            if kept.count == last.analyses.count {
                lastAnalyses = (last.baseVersion, definition, periods, kept)
                return kept
            }
        }
        let analyses = periods.map { PeriodAnalysis(dataset: dataset, period: $0, definition: definition) }
        lastAnalyses = (reloadCache.baseVersion, definition, periods, analyses)
        return analyses
    }

    /// Asks for a reload; a reload already running is cancelled at its next check.
    /// - Parameter definition: the market definition on screen, whose analyses are computed here.
    /// - Returns: the new request's generation.
    @discardableResult
    public func request(definition: String? = nil) -> Int {
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        requestedDefinition = definition
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

    private func run() {
        while true {
            condition.lock()
            while started == requested && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            let generation = requested
            let wanted = requestedDefinition
            started = generation
            condition.unlock()

            let parseStarted = Clock.monotonicNanoseconds()
            let outcome = directory.loadConsistently(settle: settle, reloadCache: reloadCache) {
                self.condition.lock()
                defer { self.condition.unlock() }
                return self.requested != generation || self.stopping
            }
            let loadEnded = Clock.monotonicNanoseconds()
            var analyses: [PeriodAnalysis] = []
            var definition: String?
            if case .loaded(let dataset) = outcome {
                definition = wanted.flatMap { dataset.marketDefinitions.contains($0) ? $0 : nil }
                    ?? dataset.marketDefinitions.first
                analyses = analyze(dataset, definition: definition)
            }
            let result = ReloadResult(generation: generation, outcome: outcome, parseStarted: parseStarted,
                                      loadEnded: loadEnded, parseEnded: Clock.monotonicNanoseconds(), analyses: analyses, definition: definition)
            condition.lock()
            results.append(result)
            condition.unlock()
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }
}

import MarketAnalytics

/// A wall-clock time of day, formatted by the caller's clock: the reducer never reads time.
public struct ClockTime: Hashable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int
    public let second: Int

    public init(hour: Int, minute: Int, second: Int) {
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(hour)):\(two(minute)):\(two(second))"
    }
}

/// One complete, validated load of a data directory, with its analyses under one key.
public struct Snapshot: Sendable {
    public let dataset: MarketDataset
    /// The directory as the user gave it.
    public let directory: String
    public let loadedAt: ClockTime
    /// Seconds since the epoch at load, to tell the data's age.
    public let loadedEpochSeconds: Double
    /// Counts loads: a snapshot with the same version carries the same dataset (new analyses only).
    public let version: Int
    /// Every period's analysis, computed by the reload worker (or at start-up) for `series.key`.
    public let series: AnalysisSeries

    public init(dataset: MarketDataset, directory: String, loadedAt: ClockTime, loadedEpochSeconds: Double = 0,
                version: Int = 1, series: AnalysisSeries) {
        self.dataset = dataset
        self.directory = directory
        self.loadedAt = loadedAt
        self.loadedEpochSeconds = loadedEpochSeconds
        self.version = version
        self.series = series
    }

    /// A snapshot whose analyses are computed here, on the caller's thread: for start-up, `--plain`
    /// and tests. The running dashboard gets its analyses from the reload worker.
    public init(dataset: MarketDataset, directory: String, loadedAt: ClockTime, loadedEpochSeconds: Double = 0,
                version: Int = 1, key: AnalysisKey = AnalysisKey()) {
        self.init(dataset: dataset, directory: directory, loadedAt: loadedAt, loadedEpochSeconds: loadedEpochSeconds,
                  version: version, series: AnalysisSeries(dataset: dataset, key: key))
    }
}

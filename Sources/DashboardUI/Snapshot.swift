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

/// One complete, validated load of a data directory.
public struct Snapshot: Sendable {
    public let dataset: MarketDataset
    /// The directory as the user gave it.
    public let directory: String
    public let loadedAt: ClockTime
    /// Seconds since the epoch at load, to tell the data's age.
    public let loadedEpochSeconds: Double
    /// Analyses already computed off the UI thread, for one market definition.
    public let precomputed: (definition: String?, analyses: [PeriodAnalysis])?

    public init(dataset: MarketDataset, directory: String, loadedAt: ClockTime, loadedEpochSeconds: Double = 0,
                precomputed: (definition: String?, analyses: [PeriodAnalysis])? = nil) {
        self.dataset = dataset
        self.directory = directory
        self.loadedAt = loadedAt
        self.loadedEpochSeconds = loadedEpochSeconds
        self.precomputed = precomputed
    }
}

import MarketAnalytics

/// The files of a data directory and how their paths are written in messages.
public struct DataDirectory: Sendable {
    public static let balancesFile = "balances.csv"
    public static let marketFile = "market.csv"
    public static let fxFile = "fx.csv"
    public static let platformsFile = "platforms.csv"
    public static let banksFile = "banks.csv"
    public static let relatedPartiesFile = "related_parties.csv"

    /// The directory exactly as the user gave it.
    public let path: String

    /// How over-indebtedness, pricing and co-funding are computed from `loans/`.
    public let loanOptions: LoanDetailOptions

    /// Where the engine tables are read from, inside the directory: `engine`, or the folder of the
    /// run `engine/CURRENT` names (`engine/runs/<id>`), set while one is read.
    var engineTables = DataDirectory.engineFolder

    public init(path: String, loanOptions: LoanDetailOptions = LoanDetailOptions()) {
        self.path = path
        self.loanOptions = loanOptions
    }

    /// `DIR/name`, as the user would type it (no doubled slash).
    public func displayPath(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// Reads and validates every file. Either the whole dataset is valid, or nothing is returned.
    ///
    /// - Throws: `IngestFailure` with every problem found, sorted by file, line and column.
    public func load() throws(IngestFailure) -> MarketDataset {
        let (sources, unreadable) = readSources()
        if !unreadable.isEmpty { throw IngestFailure(unreadable) }
        return try validate(sources)
    }

    /// Every data file's bytes (an absent file is simply not there), and a diagnostic for each
    /// file that exists but cannot be read.
    func readSources() -> (sources: [String: [UInt8]], unreadable: [Diagnostic]) {
        var sources: [String: [UInt8]] = [:]
        var diagnostics: [Diagnostic] = []
        for name in Self.dataFiles {
            do throws(FileBytes.Failure) {
                sources[name] = try FileBytes.read(displayPath(name))
            } catch {
                switch error {
                case .missing:
                    continue // the validator reports a missing required file
                case .unreadable(let reason):
                    let message = reason.hasPrefix("is ") || reason.hasPrefix("larger") ? reason : "cannot read file: \(reason.lowercased())"
                    diagnostics.append(Diagnostic(path: displayPath(name), line: 1, column: 1, message: message))
                }
            }
        }
        return (sources, diagnostics)
    }

    /// The files validated into a dataset, with the loan files (if any) attached.
    func validate(_ sources: [String: [UInt8]], reloadCache: ReloadCache? = nil) throws(IngestFailure) -> MarketDataset {
        let validate = { () throws(IngestFailure) -> MarketDataset in try DatasetValidator(directory: self, sources: sources).validate() }
        var dataset: MarketDataset
        if let reloadCache { dataset = try reloadCache.validated(sources, validate) } else { dataset = try validate() }
        let problems = attachLoans(to: &dataset, platformsListed: sources[Self.platformsFile] != nil,
                                   banksListed: sources[Self.banksFile] != nil, cache: reloadCache)
        if !problems.isEmpty { throw IngestFailure(problems) }
        let engineProblems = attachEngine(to: &dataset, platformsListed: sources[Self.platformsFile] != nil,
                                          banksListed: sources[Self.banksFile] != nil)
        if !engineProblems.isEmpty { throw IngestFailure(engineProblems) }
        return dataset
    }
}

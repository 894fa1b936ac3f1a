import MarketAnalytics

/// How a consistent load ended.
public enum LoadOutcome: Sendable {
    case loaded(MarketDataset)
    case failed(IngestFailure)
    /// The files kept changing while they were read; nothing was accepted.
    case unstable
    /// A newer request made this one pointless.
    case cancelled
}

extension DataDirectory {
    /// The data files whose versions make up one generation.
    public static let dataFiles = [balancesFile, marketFile, fxFile, platformsFile, banksFile, relatedPartiesFile]

    /// One attempt of `loadConsistently` on this (pinned) directory; nil when it must be tried again.
    func loadOnce(settleNanos: Int64, reloadCache: ReloadCache?, isCancelled: () -> Bool) -> LoadOutcome? {
        let outcome = loadConsistently(settle: Double(settleNanos) / 1e9, attempts: 1, reloadCache: reloadCache,
                                       isCancelled: isCancelled)
        if case .unstable = outcome { return nil }
        return outcome
    }

    /// Fingerprints of the data files and of every loan file (by path).
    ///
    /// - Parameter listingParts: false for the watcher's poll: an engine table folder is then
    ///   fingerprinted by its own status (a part added, removed or renamed changes it) instead of
    ///   one `stat` per part file, so an idle dashboard on a table of a million parts costs a
    ///   handful of calls a poll. A load always lists the parts (every file, before and after).
    public func fingerprints(listingParts: Bool = true) -> [String: FileFingerprint] {
        var prints = Dictionary(uniqueKeysWithValues: Self.dataFiles.map { ($0, FileFingerprint.of(displayPath($0))) })
        for file in loanFiles() + engineFiles(listingParts: listingParts) { prints[file] = FileFingerprint.of(file) }
        return prints
    }

    /// Loads one generation: every file read whole (never memory-mapped), and accepted only when
    /// no file changed while it was read and every file has been quiet for `settle` seconds since
    /// its last modification. A file that changes during the read is read again after a pause;
    /// after `attempts` tries the outcome is `.unstable`, never a mix of versions.
    ///
    /// The quiet period guards against in-place writers: a file rewritten in place is short of
    /// rows until the writer finishes, and it looks complete to a reader that only checks
    /// whether it changed during the read. Writers that pause longer than `settle` mid-file can
    /// still be caught half-way; writing to a temporary file and renaming it is the safe way.
    /// - Parameter reloadCache: remembers what was parsed of the loan files, so that a file that
    ///   only grew is parsed from where it left off.
    public func loadConsistently(settle: Double = 0.15, attempts: Int = 40, reloadCache: ReloadCache? = nil,
                                 isCancelled: () -> Bool = { false }) -> LoadOutcome {
        let settleNanos = Int64(settle * 1_000_000_000)
        for _ in 0..<attempts {
            if isCancelled() { return .cancelled }
            // The engine run engine/CURRENT names is pinned for the whole attempt: its files are
            // fingerprinted and read, so a switch to a newer run meanwhile does not disturb a read of
            // a complete one (and a pruned run changes its files, so the attempt is made again).
            let directory = pinnedToCurrentRun()
            if directory.engineTables != engineTables {
                switch directory.loadOnce(settleNanos: settleNanos, reloadCache: reloadCache, isCancelled: isCancelled) {
                case .some(let outcome): return outcome
                case .none: continue
                }
            }
            let before = fingerprints()
            // Wait until the newest file is at least `settle` old.
            let newest = before.values.map(\.modified).max() ?? 0
            let quietFor = Clock.wallNanoseconds() - newest
            if quietFor < settleNanos {
                Clock.sleep(nanoseconds: settleNanos - quietFor)
                continue
            }
            if isCancelled() { return .cancelled }
            let (sources, unreadable) = readSources()
            guard fingerprints() == before else {
                Clock.sleep(nanoseconds: settleNanos / 3)
                continue
            }
            if !unreadable.isEmpty { return .failed(IngestFailure(unreadable)) }
            if isCancelled() { return .cancelled }
            let dataset: MarketDataset
            do {
                dataset = try validate(sources, reloadCache: reloadCache)
            } catch {
                // A loan file that changed while it was parsed is read again, not reported.
                if fingerprints() != before {
                    Clock.sleep(nanoseconds: settleNanos / 3)
                    continue
                }
                return .failed(error)
            }
            // The loan files are read during validation: they too must not have changed meanwhile.
            guard fingerprints() == before else {
                Clock.sleep(nanoseconds: settleNanos / 3)
                continue
            }
            return .loaded(dataset)
        }
        return .unstable
    }
}

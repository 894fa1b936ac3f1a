import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MarketAnalytics

extension DataDirectory {
    /// The optional folder of loan-level files.
    public static let loansFolder = "loans"

    /// `loans/*.csv`, sorted, as the user would type their paths.
    public func loanFiles() -> [String] {
        let folder = displayPath(Self.loansFolder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }

    /// Parses every loan file into `dataset.loans`, or returns the problems found (malformed rows with
    /// their lines, the first 20 of each file in full; names missing from platforms.csv or banks.csv).
    /// Why `loans` exists but cannot be read as a folder (a file, a FIFO, a dangling link, a
    /// folder without permission); nil when it is a readable folder or absent.
    func loansFolderProblem() -> Diagnostic? {
        folderProblem(Self.loansFolder, what: "loan files go in a folder named loans")
    }

    func attachLoans(to dataset: inout MarketDataset, platformsListed: Bool, banksListed: Bool,
                     threads: Int = 2, cache: ReloadCache? = nil) -> [Diagnostic] {
        if let problem = loansFolderProblem() { return [problem] }
        let files = loanFiles()
        guard !files.isEmpty else {
            cache?.invalidate()
            return []
        }
        let granularity = dataset.periods.first?.granularity ?? .quarter
        let parser = LoanFileParser(granularity: granularity, threads: threads)
        var diagnostics: [Diagnostic] = []
        // The first place each name appears, to point at it if it is not listed.
        var sightings: [String: (file: String, line: Int, column: Int)] = [:]
        func report(_ file: String, _ result: LoanFileParser.Result) {
            for seen in result.firstSeen {
                let key = seen.column + "\u{0}" + seen.name
                if let known = sightings[key], known.file != file || known.line <= seen.line { continue }
                sightings[key] = (file, seen.line, seen.characterColumn)
            }
            diagnostics += result.problems.map { Diagnostic(path: file, line: $0.line, column: 1, message: $0.message) }
            if result.problemCount > result.problems.count {
                diagnostics.append(Diagnostic(path: file, line: 1, column: 1,
                                              message: "\(result.problemCount - result.problems.count) more malformed rows"))
            }
        }
        func failure(_ error: LoanFileParser.Failure) { diagnostics.append(error.diagnostic) }

        // Appends only: parse each file's new whole lines into the cached totals.
        let prints = Dictionary(uniqueKeysWithValues: files.map { ($0, FileFingerprint.of($0)) })
        var accumulator: LoanAccumulator
        // Appends reuse the cached totals; after many, their partitions (a set a reload) are read
        // afresh once, so a file appended to all day keeps bounded memory.
        if let cache, let cached = cache.accumulator, cache.granularity == granularity,
           (cached.details?.runCount ?? 0) < 16,
           Set(cache.files.keys) == Set(files),
           files.allSatisfy({ file in
               let state = cache.files[file]!, now = prints[file]!
               return now.inode == state.inode && now.size >= state.parsedUpTo
                   && ReloadCache.checksum(path: file, before: state.parsedUpTo) == state.checksum
           }) {
            accumulator = cached
            // Names met in earlier parses keep their positions.
            sightings = cache.sightings
            var bytes: Int64 = 0
            for file in files {
                var state = cache.files[file]!
                let limit = ReloadCache.lastLineEnd(path: file, size: prints[file]!.size)
                guard limit > state.parsedUpTo else { continue }
                do {
                    let result = try parser.parse(path: file, into: accumulator, from: state.parsedUpTo, upTo: limit,
                                                  startLine: state.nextLine)
                    report(file, result)
                    state.nextLine += result.lines
                } catch {
                    failure(error)
                }
                bytes += limit - state.parsedUpTo
                state.parsedUpTo = limit
                state.checksum = ReloadCache.checksum(path: file, before: limit)
                cache.files[file] = state
            }
            cache.record(.tail(bytes: bytes))
        } else {
            let expected = files.reduce(0) { $0 + Int(prints[$1]!.size / 60) }
            accumulator = LoanAccumulator(granularity: granularity, expectedRows: expected, details: loanOptions)
            cache?.invalidate()
            for file in files {
                do {
                    let size = prints[file]!.size
                    let limit = ReloadCache.lastLineEnd(path: file, size: size)
                    let result = try parser.parse(path: file, into: accumulator, upTo: size)
                    report(file, result)
                    // A file whose last row has no line break yet cannot be continued safely.
                    if let cache, limit == size {
                        cache.files[file] = ReloadCache.FileState(inode: prints[file]!.inode, parsedUpTo: limit,
                                                                checksum: ReloadCache.checksum(path: file, before: limit),
                                                                nextLine: 1 + result.lines + 1)
                    }
                } catch {
                    failure(error)
                }
            }
            if let cache {
                if cache.files.count == files.count {
                    cache.accumulator = accumulator
                    cache.granularity = granularity
                } else {
                    cache.invalidate()
                }
                cache.record(.full)
            }
        }
        cache?.sightings = sightings
        if !diagnostics.isEmpty { cache?.invalidate() }
        var figures = accumulator.figures(groupOf: dataset.group(of:))
        let folder = displayPath(Self.loansFolder)
        if diagnostics.isEmpty {
            do {
                figures.indebtedness = try accumulator.indebtedness(groupOf: dataset.group(of:), threads: threads)
            } catch let error as IndebtednessError where error.isDataLimit {
                figures.indebtednessUnavailable = error.description
            } catch {
                // Temporary data that could not be written or read: the reload fails, nothing shown changes.
                diagnostics.append(Diagnostic(path: folder, line: 1, column: 1, message: "over-indebtedness: \(error)"))
            }
        }
        func unlisted(_ column: String, _ name: String, in file: String) -> Diagnostic {
            // Where the name was first met (in this parse or, for cached totals, an earlier one).
            let at = sightings[column + "\u{0}" + name] ?? (folder, 1, 1)
            return Diagnostic(path: at.file, line: at.line, column: at.column,
                              message: "column '\(column)': '\(name)' is not listed in \(file)")
        }
        if platformsListed {
            for platform in Set(figures.originations.map(\.platform)).sorted() where dataset.groupOfPlatform[platform] == nil {
                diagnostics.append(unlisted("platform", platform, in: Self.platformsFile))
            }
        }
        if banksListed {
            for bank in Set(figures.originations.map(\.bank)).sorted() where dataset.banks[bank] == nil {
                diagnostics.append(unlisted("bank", bank, in: Self.banksFile))
            }
        }
        for period in Set(figures.originations.map(\.period)) where period.granularity != granularity {
            diagnostics.append(Diagnostic(path: folder, line: 1, column: 1, message: "loans in \(period) do not match the directory's periods"))
        }
        if diagnostics.isEmpty { dataset.loans = figures }
        return diagnostics.sorted()
    }
}

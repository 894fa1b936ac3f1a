import EngineJobs
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MarketAnalytics
import TerminalText

/// A data directory's `engine/` folder: the tables an engine job wrote (`EngineTable`), read as
/// `loans/` is, only when complete.
extension DataDirectory {
    public static let engineFolder = "engine"

    /// A table's folder (or a file beside them) in the engine tables being read, as the user would type it.
    func enginePath(_ name: String) -> String { displayPath(engineTables + "/" + name) }

    /// `engine/name`: a file at the top of `engine/` (`CURRENT`, `_JOB`).
    func engineTopPath(_ name: String) -> String { displayPath(Self.engineFolder + "/" + name) }

    /// True when the directory has an `engine` entry (a folder or not).
    var hasEngineEntry: Bool {
        var info = stat()
        return lstat(displayPath(Self.engineFolder), &info) == 0
    }

    /// What a reader must see unchanged from before to after it reads the tables: the pointer,
    /// the job marker, and the resolved run's manifest, every table's `_SUCCESS`, `_RUN` and part
    /// files (as `engine/…` paths). A pointer switched during the read changes the first entry.
    func engineFiles(listingParts: Bool = true) -> [String] {
        guard hasEngineEntry else { return [] }
        // Pinned to a run: only that run's files, which never change once it is complete.
        let pinned = engineTables != Self.engineFolder
        var files = pinned ? [] : [engineTopPath(RunLayout.pointerFile), engineTopPath(EngineTable.jobMarker)]
        guard case .success(let resolved) = resolvedEngine() else { return files }
        files.append(resolved.enginePath(RunLayout.manifestFile))
        for table in EngineTable.allCases {
            files.append(resolved.enginePath(table.rawValue + "/" + EngineTable.successMarker))
            files.append(resolved.enginePath(table.rawValue + "/" + RunLayout.runMarker))
            files += listingParts ? resolved.partFiles(of: table) : [resolved.enginePath(table.rawValue)]
        }
        return files
    }

    /// The table folders being read (the current run's, or the flat ones): what the watcher watches.
    func engineTableFolders() -> [String] {
        guard case .success(let resolved) = resolvedEngine() else { return [] }
        return EngineTable.allCases.map { resolved.enginePath($0.rawValue) }
    }

    /// This directory with the run `engine/CURRENT` names pinned (itself when there is no valid pointer).
    func pinnedToCurrentRun() -> DataDirectory {
        guard engineTables == Self.engineFolder, hasEngineEntry, case .success(let resolved) = resolvedEngine() else { return self }
        return resolved
    }

    /// This directory reading the run `engine/CURRENT` names, or the flat tables when there is no
    /// pointer. Resolved once per read: everything read after comes from that one run.
    func resolvedEngine() -> Result<DataDirectory, Diagnostic> {
        if engineTables != Self.engineFolder { return .success(self) }
        let pointer = engineTopPath(RunLayout.pointerFile)
        var link = stat()
        guard lstat(pointer, &link) == 0 else { return .success(self) }
        guard FileBytes.exists(pointer) else {
            return .failure(Diagnostic(path: pointer, line: 1, column: 1, message: "is a symbolic link that leads nowhere"))
        }
        let text: String
        do throws(FileBytes.Failure) {
            text = String(decoding: try FileBytes.read(pointer, limit: 256), as: UTF8.self)
        } catch {
            return .failure(Diagnostic(path: pointer, line: 1, column: 1, message: "cannot be read"))
        }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard RunLayout.isRunID(id) else {
            return .failure(Diagnostic(path: pointer, line: 1, column: 1,
                                       message: "does not name a run (letters, digits, '-' and '_'): '\(SafeText.sanitize(String(id.prefix(64))))'"))
        }
        var resolved = self
        resolved.engineTables = Self.engineFolder + "/" + RunLayout.runsFolder + "/" + id
        guard FileBytes.exists(resolved.displayPath(resolved.engineTables)) else {
            return .failure(Diagnostic(path: pointer, line: 1, column: 1,
                                       message: "names run \(id), but \(resolved.displayPath(resolved.engineTables)) is missing"))
        }
        return .success(resolved)
    }

    /// A table's part files: names ending `.csv`, not hidden (`.x.crc`) nor marked (`_x`), sorted.
    func partFiles(of table: EngineTable) -> [String] {
        let folder = enginePath(table.rawValue)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted().map { folder + "/" + $0 }
    }

    /// The engine tables as loan figures, or why they cannot be read now: a table being written
    /// (no `_SUCCESS`, or the job marker says `running`) is a problem like a malformed file, so
    /// the dashboard keeps its last complete data and says which table it waits for.
    func readEngine(granularity: Period.Granularity, groupingBytes: [UInt8]?) -> (EngineData?, [Diagnostic]) {
        guard hasEngineEntry else { return (nil, []) }
        if let problem = folderProblem(Self.engineFolder, what: "engine tables go in a folder named engine") { return (nil, [problem]) }
        let source: DataDirectory
        switch resolvedEngine() {
        case .success(let resolved): source = resolved
        case .failure(let problem): return (nil, [problem])
        }
        let usesPointer = source.engineTables != Self.engineFolder
        let job = engineTopPath(EngineTable.jobMarker)
        var note: String?
        if FileBytes.exists(job) {
            let state: String
            do throws(FileBytes.Failure) {
                state = String(decoding: try FileBytes.read(job, limit: 4096), as: UTF8.self)
            } catch {
                return (nil, [Diagnostic(path: job, line: 1, column: 1, message: "cannot be read")])
            }
            let current = source.engineTables.split(separator: "/").last.map(String.init) ?? ""
            if usesPointer {
                // The current run stays readable whatever a newer job is doing; the note says what it is doing.
                if state.hasPrefix("running "), !state.contains(current) { note = "a newer run is being written" }
                if state.hasPrefix("failed "), !state.contains(current) { note = "the newest run failed; these are the last good run's" }
            } else if state.hasPrefix("failed ") {
                return (nil, [Diagnostic(path: job, line: 1, column: 1,
                                         message: "the job failed and no run is complete yet: run it again")])
            } else if !state.hasPrefix("done ") {
                return (nil, [Diagnostic(path: job, line: 1, column: 1, message: "a job is writing the tables ("
                    + (state.hasPrefix("running ") ? "running" : "no state yet") + "): the tables are read once it says done")])
            }
        }
        let manifest: EngineManifest?
        switch source.readManifest(required: usesPointer) {
        case .success(let read): manifest = read
        case .failure(let problem): return (nil, [problem])
        }
        if let problem = source.runProblem(manifest: manifest, pointerRun: usesPointer ? source.engineTables.split(separator: "/").last.map(String.init) : nil) {
            return (nil, [problem])
        }
        if let manifest, let problem = source.groupingProblem(manifest, groupingBytes: groupingBytes) { return (nil, [problem]) }
        var reader = EngineTableReader(directory: source, granularity: granularity)
        for table in EngineTable.allCases where table != .summary || FileBytes.exists(source.enginePath(table.rawValue)) {
            let folder = source.enginePath(table.rawValue)
            if let problem = folderProblem(source.engineTables + "/" + table.rawValue,
                                           what: "each engine table is a folder of CSV part files") {
                return (nil, [problem])
            }
            guard FileBytes.exists(folder) else {
                return (nil, [Diagnostic(path: folder, line: 1, column: 1,
                                         message: "missing: engine/ needs " + EngineTable.allCases.map(\.rawValue).joined(separator: ", "))])
            }
            guard FileBytes.exists(folder + "/" + EngineTable.successMarker) else {
                return (nil, [Diagnostic(path: folder, line: 1, column: 1,
                                         message: "being written (no _SUCCESS yet): read once it is complete")])
            }
            reader.read(table, parts: source.partFiles(of: table))
        }
        if !reader.diagnostics.isEmpty { return (nil, reader.diagnostics.sorted()) }
        var (data, problems) = reader.finish()
        if let run = manifest?.runID, data != nil {
            let words = "engine tables, run \(run.prefix(8))" + (note.map { "; " + $0 } ?? "")
            for index in data!.figures.originations.indices { data!.figures.originations[index].source = words }
        }
        if data == nil && problems.isEmpty { problems = [] }
        return (data, problems)
    }

    /// Why `name` exists but is not a readable folder; nil when it is one (or absent).
    func folderProblem(_ name: String, what: String) -> Diagnostic? {
        let folder = displayPath(name)
        var link = stat()
        guard lstat(folder, &link) == 0 else { return nil }
        var info = stat()
        guard stat(folder, &info) == 0 else {
            return Diagnostic(path: folder, line: 1, column: 1, message: "is a symbolic link that leads nowhere (\(String(cString: strerror(errno)).lowercased()))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return Diagnostic(path: folder, line: 1, column: 1, message: "is not a folder: \(what)")
        }
        if (try? FileManager.default.contentsOfDirectory(atPath: folder)) == nil {
            return Diagnostic(path: folder, line: 1, column: 1, message: "cannot be read: \(String(cString: strerror(EACCES)).lowercased())")
        }
        return nil
    }
}

/// Figures read from `engine/`, with where each row was (to point at the first difference).
struct EngineData {
    var figures: LoanFigures
    /// Table → key columns → (file, line).
    var locations: [EngineTable: [[String]: (path: String, line: Int)]]
}

extension DataDirectory {
    /// Reads `engine/` into `dataset.loans`: alone when there is no `loans/`, else compared with
    /// the figures from `loans/` on the periods both cover (the first difference is the problem)
    /// and adding the periods only the engine has.
    func attachEngine(to dataset: inout MarketDataset, platformsListed: Bool, banksListed: Bool) -> [Diagnostic] {
        let granularity = dataset.periods.first?.granularity ?? .quarter
        let grouping = FileBytes.exists(displayPath(Self.platformsFile)) ? try? FileBytes.read(displayPath(Self.platformsFile)) : nil
        let (data, problems) = readEngine(granularity: granularity, groupingBytes: grouping)
        if !problems.isEmpty { return problems }
        guard let data else { return [] }
        var unlisted: [Diagnostic] = []
        let locations = data.locations[.originations] ?? [:]
        func check(_ names: Set<String>, _ column: String, listed: Bool, known: (String) -> Bool, file: String, index: Int) {
            guard listed else { return }
            for name in names.sorted() where !known(name) {
                let at = locations.filter { $0.key[index] == name }.map(\.value).min { ($0.path, $0.line) < ($1.path, $1.line) }
                unlisted.append(Diagnostic(path: at?.path ?? enginePath(EngineTable.originations.rawValue), line: at?.line ?? 1, column: 1,
                                           message: "column '\(column)': '\(name)' is not listed in \(file)"))
            }
        }
        check(Set(data.figures.originations.map(\.platform)), "platform", listed: platformsListed,
              known: { dataset.groupOfPlatform[$0] != nil }, file: Self.platformsFile, index: 1)
        check(Set(data.figures.originations.map(\.bank)), "bank", listed: banksListed,
              known: { dataset.banks[$0] != nil }, file: Self.banksFile, index: 2)
        if !unlisted.isEmpty { return unlisted }
        if let loans = dataset.loans {
            if let difference = EngineComparison.firstDifference(loans: loans, engine: data, directory: self) { return [difference] }
            dataset.loans = EngineComparison.merged(loans, data.figures)
        } else {
            dataset.loans = data.figures
        }
        return []
    }
}

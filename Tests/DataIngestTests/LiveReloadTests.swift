import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

/// Change detection, generation acceptance and the reload worker, on real files in a temporary directory.
@Suite("Live reload")
struct LiveReloadTests {
    static let balances = "period,platform,bank,balance_cny\n2020Q1,A,B,1\n2020Q1,C,B,2\n"

    static let loanHeader = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"

    /// A directory with the balances, platforms (`platform,group` rows) and bank B listed, and an
    /// empty loans folder.
    static func listedDirectory(platforms: String) throws -> DataDirectory {
        let dir = try directory([
            "balances.csv": balances,
            "platforms.csv": "platform,group\n" + platforms,
            "banks.csv": "bank,type,region,tier1_capital_cny,total_loans_cny,online_only\nB,city,x,10,100,false\n",
        ])
        try FileManager.default.createDirectory(atPath: dir.displayPath("loans"), withIntermediateDirectories: true)
        return dir
    }

    static func directory(_ files: [String: String] = ["balances.csv": balances]) throws -> DataDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return DataDirectory(path: url.path)
    }

    static func replaceAtomically(_ directory: DataDirectory, _ name: String, _ text: String) throws {
        let temporary = directory.displayPath(".\(name).tmp")
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        #expect(rename(temporary, directory.displayPath(name)) == 0)
    }

    static func remove(_ directory: DataDirectory) { try? FileManager.default.removeItem(atPath: directory.path) }

    @Test("fingerprints change with an in-place rewrite and with a rename, and know a missing file")
    func fingerprints() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        let first = FileFingerprint.of(dir.displayPath("balances.csv"))
        #expect(first.exists && first.size == Int64(Self.balances.utf8.count))
        try Data((Self.balances + "2020Q1,D,B,3\n").utf8).write(to: URL(fileURLWithPath: dir.displayPath("balances.csv")))
        let rewritten = FileFingerprint.of(dir.displayPath("balances.csv"))
        #expect(rewritten != first)
        try Self.replaceAtomically(dir, "balances.csv", Self.balances)
        #expect(FileFingerprint.of(dir.displayPath("balances.csv")).inode != rewritten.inode)
        #expect(FileFingerprint.of(dir.displayPath("market.csv")) == .missing)
    }

    @Test("inotify reports a rename onto a data file, and ignores other files")
    func inotifyEvents() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        let watcher = DirectoryWatcher(directory: dir)
        try #require(watcher.descriptor != nil, "inotify is not available")
        #expect(!watcher.drainEvents())
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.displayPath("notes.txt")))
        #expect(!watcher.drainEvents())
        try Self.replaceAtomically(dir, "balances.csv", Self.balances + "2020Q1,D,B,3\n")
        #expect(watcher.drainEvents())
        try Data("period,definition,total_cny\n".utf8).write(to: URL(fileURLWithPath: dir.displayPath("market.csv")))
        #expect(watcher.drainEvents())
        #expect(!watcher.drainEvents())
    }

    @Test("a data directory deleted and made again is watched again by inotify (not left to polling)")
    func inotifyRearmed() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        let watcher = DirectoryWatcher(directory: dir)
        try #require(watcher.descriptor != nil, "inotify is not available")
        #expect(watcher.isWatchingDirectory)
        try FileManager.default.removeItem(atPath: dir.path)
        #expect(watcher.drainEvents())                 // the folder went away
        #expect(!watcher.isWatchingDirectory)
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        #expect(watcher.pollForChanges())              // the poll puts the watch back
        #expect(watcher.isWatchingDirectory)
        try Self.replaceAtomically(dir, "balances.csv", Self.balances)
        #expect(watcher.drainEvents())                 // and inotify reports changes again
        // A loans folder made later gets its own watch too.
        try FileManager.default.createDirectory(atPath: dir.displayPath("loans"), withIntermediateDirectories: true)
        _ = watcher.drainEvents()
        _ = watcher.pollForChanges()
        try Data(Self.loanHeader.utf8).write(to: URL(fileURLWithPath: dir.displayPath("loans/a.csv")))
        #expect(watcher.drainEvents())
    }

    @Test("polling notices a changed file once; --no-inotify has no descriptor")
    func polling() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        let watcher = DirectoryWatcher(directory: dir, useInotify: false)
        #expect(watcher.descriptor == nil)
        #expect(!watcher.pollForChanges())
        try Self.replaceAtomically(dir, "balances.csv", Self.balances + "2020Q1,D,B,3\n")
        #expect(watcher.pollForChanges())
        #expect(!watcher.pollForChanges())
        try FileManager.default.removeItem(atPath: dir.displayPath("balances.csv"))
        #expect(watcher.pollForChanges())
    }

    @Test("a consistent load accepts valid files and reports invalid ones with positions")
    func consistentLoad() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        guard case .loaded(let dataset) = dir.loadConsistently(settle: 0.01) else {
            Issue.record("a valid directory did not load")
            return
        }
        #expect(dataset.balances.count == 2)
        try Self.replaceAtomically(dir, "balances.csv", "period,platform,bank,balance_cny\n2020Q1,A,B,-1\n")
        guard case .failed(let failure) = dir.loadConsistently(settle: 0.01) else {
            Issue.record("an invalid directory loaded")
            return
        }
        #expect(failure.diagnostics.map(\.description) == ["\(dir.path)/balances.csv:2:12: column 'balance_cny': negative amount '-1'"])
    }

    @Test("a cancelled load returns at once without a result")
    func cancelled() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        guard case .cancelled = dir.loadConsistently(settle: 0.01, isCancelled: { true }) else {
            Issue.record("the load did not stop")
            return
        }
    }

    @Test("a file rewritten in place while it is read is never accepted half-written")
    func inPlaceWriter() throws {
        // Generation k: rows 1…200, every balance k. A reader that accepts a half-written file
        // sees fewer than 200 rows or mixed values.
        @Sendable func generation(_ k: Int) -> String {
            "period,platform,bank,balance_cny\n" + (1...200).map { "2020Q1,P\($0),B,\(k)\n" }.joined()
        }
        let dir = try Self.directory(["balances.csv": generation(0)])
        defer { Self.remove(dir) }
        let path = dir.displayPath("balances.csv")
        let stop = Atomic(false)
        let writer = Thread {
            var k = 1
            while !stop.value {
                // In place, in small chunks with short pauses: truncate, then write piece by piece.
                let handle = FileHandle(forWritingAtPath: path)!
                handle.truncateFile(atOffset: 0)
                let bytes = Array(generation(k).utf8)
                for start in stride(from: 0, to: bytes.count, by: 512) {
                    handle.write(Data(bytes[start..<min(bytes.count, start + 512)]))
                    usleep(2_000)
                }
                handle.closeFile()
                k += 1
            }
        }
        writer.start()
        defer { stop.value = true; usleep(100_000) }
        for _ in 0..<5 {
            switch dir.loadConsistently(settle: 0.2, attempts: 3) {
            case .loaded(let dataset):
                // Accepted: then it must be one whole generation.
                #expect(dataset.balances.count == 200)
                #expect(Set(dataset.balances.map(\.balanceCNY)).count == 1)
            case .failed, .unstable, .cancelled:
                break // refusing (or reporting the file as invalid) is right while the writer never stops
            }
        }
    }

    @Test("a loan file that only grew is parsed from where the last reload left off; a rewrite is parsed whole")
    func loanAppends() throws {
        let header = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        let folder = dir.displayPath("loans")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/a.csv"
        let first = header + "L1,A,B,b1,10,30,2020-02-01,0.1,current\n"
        try Data(first.utf8).write(to: URL(fileURLWithPath: file))
        let cache = ReloadCache()
        func originated() throws -> [Double] {
            guard case .loaded(let dataset) = dir.loadConsistently(settle: 0.01, reloadCache: cache) else {
                Issue.record("the directory did not load")
                return []
            }
            return try #require(dataset.loans).originations.map(\.balanceCNY)
        }
        #expect(try originated() == [10])
        #expect(cache.lastParse == .full)
        // Append two rows, the second still being written (no line break yet).
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.seekToEndOfFile()
        handle.write(Data("L2,A,B,b2,5.5,30,2020-03-01,0.1,current\nL3,A,B,b3,1".utf8))
        #expect(try originated() == [15.5])
        #expect(cache.lastParse == .tail(bytes: 40))
        handle.write(Data("00,30,2020-03-02,0.1,current\n".utf8))
        handle.closeFile()
        #expect(try originated() == [115.5])
        #expect(cache.lastParse == .tail(bytes: 40))
        // A rewrite in place (same inode, different earlier bytes): a full parse.
        try Data((header + "L1,A,B,b1,20,30,2020-02-01,0.1,current\n").utf8).write(to: URL(fileURLWithPath: file), options: [])
        #expect(try originated() == [20])
        #expect(cache.lastParse == .full)
    }

    @Test("a platform or bank in a loan file but not in platforms.csv or banks.csv is named at its first line and column")
    func unlistedLoanNames() throws {
        let dir = try Self.listedDirectory(platforms: "A,GA\nC,GC\n")
        defer { Self.remove(dir) }
        try Data((Self.loanHeader + "L1,A,B,b1,1,30,2020-02-01,0.1,current\nL2,Zed 花,B,b1,1,30,2020-02-01,0.1,current\n"
                  + "L3,A,\"Nowhere, Bank\",b1,1,30,2020-02-01,0.1,current\nL4,Zed 花,B,b2,1,30,2020-03-01,0.1,current\n").utf8)
            .write(to: URL(fileURLWithPath: dir.displayPath("loans/a.csv")))
        do {
            _ = try dir.load()
            Issue.record("unlisted names were accepted")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "\(dir.path)/loans/a.csv:3:4: column 'platform': 'Zed 花' is not listed in platforms.csv",
                "\(dir.path)/loans/a.csv:4:6: column 'bank': 'Nowhere, Bank' is not listed in banks.csv",
            ])
        }
    }

    @Test("a name listed when its loans were parsed and unlisted later is still named at its line, from the cached parse")
    func unlistedAfterCachedParse() throws {
        let dir = try Self.listedDirectory(platforms: "A,GA\nC,GC\nZed,GZ\n")
        defer { Self.remove(dir) }
        try Data((Self.loanHeader + "L1,A,B,b1,1,30,2020-02-01,0.1,current\nL2,Zed,B,b1,1,30,2020-02-01,0.1,current\n").utf8)
            .write(to: URL(fileURLWithPath: dir.displayPath("loans/a.csv")))
        let cache = ReloadCache()
        guard case .loaded = dir.loadConsistently(settle: 0.01, reloadCache: cache) else {
            Issue.record("the first load failed")
            return
        }
        // Zed leaves platforms.csv; the loan file is unchanged, so its cached totals are reused.
        try Data("platform,group\nA,GA\nC,GC\n".utf8).write(to: URL(fileURLWithPath: dir.displayPath("platforms.csv")))
        guard case .failed(let failure) = dir.loadConsistently(settle: 0.01, reloadCache: cache) else {
            Issue.record("the unlisted platform was accepted")
            return
        }
        #expect(failure.diagnostics.map(\.description) == [
            "\(dir.path)/loans/a.csv:3:4: column 'platform': 'Zed' is not listed in platforms.csv",
        ])
    }

    @Test("the small files are validated again only when their bytes change")
    func baseDatasetReuse() throws {
        let cache = ReloadCache()
        var validations = 0
        func validate() throws(IngestFailure) -> MarketDataset {
            validations += 1
            return MarketDataset(balances: [])
        }
        let sources: [String: [UInt8]] = ["balances.csv": Array("period,platform,bank,balance_cny\n".utf8)]
        _ = try cache.validated(sources, validate)
        _ = try cache.validated(sources, validate)
        #expect(validations == 1)
        var changed = sources
        changed["balances.csv"]!.append(0x0A)
        _ = try cache.validated(changed, validate)
        #expect(validations == 2)
        _ = try cache.validated(changed, validate)
        #expect(validations == 2)
    }

    @Test("the worker loads on its own thread, and only the newest request's result counts")
    func worker() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        let worker = ReloadWorker(directory: dir, settle: 0.01)
        defer { worker.stop() }
        let first = worker.request()
        let second = worker.request(key: AnalysisKey(), reload: true)
        #expect(second == first + 1)
        #expect(worker.latestRequest == second)
        var newest: ReloadResult?
        for _ in 0..<200 where newest == nil {
            var ready = pollfd(fd: worker.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&ready, 1, 50)
            newest = worker.takeResults().first { $0.generation == second }
        }
        let result = try #require(newest)
        guard case .loaded(let dataset) = result.outcome else {
            Issue.record("the newest request did not load")
            return
        }
        #expect(dataset.balances.count == 2)
        #expect(result.series?.analyses.count == 1)
        #expect(result.parseEnded >= result.parseStarted)
    }
}

extension LiveReloadTests {
    /// The worker's newest result for `generation`, waiting up to ten seconds.
    static func result(of worker: ReloadWorker, _ generation: Int) throws -> ReloadResult {
        for _ in 0..<200 {
            var ready = pollfd(fd: worker.wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&ready, 1, 50)
            if let result = worker.takeResults().first(where: { $0.generation == generation }) { return result }
        }
        throw CancellationError()
    }

    @Test("a reload where only loans changed keeps the analyses but takes the new stacking; a balances change recomputes")
    func analysesAfterLoanOnlyChange() throws {
        let dir = try Self.directory()
        defer { Self.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir.displayPath("loans"), withIntermediateDirectories: true)
        let header = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"
        let loans = dir.displayPath("loans/a.csv")
        try Data((header + "L1,A,B,b1,1,30,2020-02-01,0.1,current\n").utf8).write(to: URL(fileURLWithPath: loans))
        let worker = ReloadWorker(directory: dir, settle: 0.01)
        defer { worker.stop() }
        let first = try Self.result(of: worker, worker.request())
        #expect(first.series?.analyses.first?.stacking == StackingFigures(
            borrowers: 1, multiPlatform2: 0, multiPlatform3: 0, amountMultiPlatform2: 0, amountMultiPlatform3: 0))
        // b1 also borrows from C: two groups now.
        try Data((header + "L1,A,B,b1,1,30,2020-02-01,0.1,current\nL2,C,B,b1,2,30,2020-03-01,0.1,current\n").utf8)
            .write(to: URL(fileURLWithPath: loans))
        let second = try Self.result(of: worker, worker.request())
        #expect(second.series?.analyses.first?.stacking == StackingFigures(
            borrowers: 1, multiPlatform2: 1, multiPlatform3: 0, amountMultiPlatform2: 3, amountMultiPlatform3: 0))
        #expect(second.series?.analyses.first?.groups.map(\.balanceCNY) == first.series?.analyses.first?.groups.map(\.balanceCNY))
        // A balances change is analysed afresh.
        try Data("period,platform,bank,balance_cny\n2020Q1,A,B,5\n2020Q1,C,B,2\n".utf8)
            .write(to: URL(fileURLWithPath: dir.displayPath("balances.csv")))
        let third = try Self.result(of: worker, worker.request())
        #expect(third.series?.analyses.first?.groups.map(\.balanceCNY) == [5, 2])
        #expect(third.series?.analyses.first?.stacking?.multiPlatform2 == 1)
    }
}

/// A flag shared with a writer thread.
final class Atomic<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

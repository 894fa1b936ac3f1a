import EngineJobs
import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

/// `engine/CURRENT` and `engine/runs/<id>/`: one run read at a time, its manifest and stamps
/// checked, the grouping it was computed with compared with the directory's.
@Suite("Engine runs")
struct EngineRunTests {
    /// The hand-worked tables of EngineTableTests as run `id` under engine/runs/, with _RUN stamps
    /// and a manifest naming the grouping by the SHA-256 of `grouping` (nil: none).
    static func writeRun(_ id: String, into path: String, grouping: String?, tables: [EngineTable: [String]] = EngineTableTests.tables) throws {
        let scratch = try IndebtednessParseTests.scratch()
        try EngineTableTests.write(tables, into: scratch)
        let run = path + "/engine/runs/" + id
        try FileManager.default.createDirectory(atPath: path + "/engine/runs", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: scratch + "/engine", toPath: run)
        for table in tables.keys { try (id + "\n").write(toFile: run + "/" + table.rawValue + "/_RUN", atomically: true, encoding: .utf8) }
        let sha = grouping.map { "\"" + sha256(Array($0.utf8)) + "\"" } ?? "null"
        try "{\"run_id\":\"\(id)\",\"grouping_sha256\":\(sha)}\n".write(toFile: run + "/manifest.json", atomically: true, encoding: .utf8)
    }

    static func point(_ path: String, to id: String) throws {
        try (id + "\n").write(toFile: path + "/engine/CURRENT", atomically: true, encoding: .utf8)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        // Independent of the code under test: the system's sha256sum.
        let file = NSTemporaryDirectory() + "/lendscope-sha-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: file, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    static let platforms = "platform,group\nP1,A\nP2,B\n"

    @Test("CURRENT names the run read; other runs, and _JOB saying a newer run is running, do not disturb it")
    func currentRunRead() throws {
        let path = try EngineTableTests.directory(loans: false, engine: nil)
        try Self.writeRun("run-a", into: path, grouping: Self.platforms)
        // A half-written newer run: one table, no manifest.
        try FileManager.default.createDirectory(atPath: path + "/engine/runs/run-b/originations", withIntermediateDirectories: true)
        try "period,platform,bank,loans,amount_cny\n2021Q1,P1,Bank A,9,900.00\n"
            .write(toFile: path + "/engine/runs/run-b/originations/part-0.csv", atomically: true, encoding: .utf8)
        try Self.point(path, to: "run-a")
        try "running run-b\n".write(toFile: path + "/engine/_JOB", atomically: true, encoding: .utf8)
        let dataset = try DataDirectory(path: path).load()
        #expect(dataset.loans?.originations.map(\.balanceCNY).reduce(0, +) == 160)
        #expect(dataset.loans?.originations.first?.source == "engine tables, run run-a; a newer run is being written")
    }

    @Test("a table of another run beside the current one's is refused by name")
    func twoRuns() throws {
        let path = try EngineTableTests.directory(loans: false, engine: nil)
        try Self.writeRun("run-a", into: path, grouping: Self.platforms)
        try Self.point(path, to: "run-a")
        try "run-b\n".write(toFile: path + "/engine/runs/run-a/pricing/_RUN", atomically: true, encoding: .utf8)
        #expect(EngineTableTests.problems(path) == [
            "\(path)/engine/runs/run-a/pricing/_RUN:1:1: tables of two runs: this one is of run run-b, but engine/originations is of run run-a"])
    }

    @Test("tables computed with another grouping are refused: the directory's platforms.csv by SHA-256")
    func otherGrouping() throws {
        let path = try EngineTableTests.directory(loans: false, engine: nil)
        try Self.writeRun("run-a", into: path, grouping: nil)
        try Self.point(path, to: "run-a")
        let problems = EngineTableTests.problems(path)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("\(path)/engine/runs/run-a/manifest.json:1:1: engine/ was computed with another grouping "
                                          + "(no platforms.csv (every platform its own group)) than this directory's (platforms.csv SHA-256 ") == true)
    }

    @Test("a pointer that names no run, or a missing run, or a run without its manifest, is refused")
    func badPointers() throws {
        let path = try EngineTableTests.directory(loans: false, engine: nil)
        try Self.writeRun("run-a", into: path, grouping: Self.platforms)
        try Self.point(path, to: "../etc")
        #expect(EngineTableTests.problems(path) == ["\(path)/engine/CURRENT:1:1: does not name a run (letters, digits, '-' and '_'): '../etc'"])
        try Self.point(path, to: "run-z")
        #expect(EngineTableTests.problems(path) == ["\(path)/engine/CURRENT:1:1: names run run-z, but \(path)/engine/runs/run-z is missing"])
        try Self.point(path, to: "run-a")
        try FileManager.default.removeItem(atPath: path + "/engine/runs/run-a/manifest.json")
        #expect(EngineTableTests.problems(path) == [
            "\(path)/engine/runs/run-a/manifest.json:1:1: missing: a run named by engine/CURRENT has its manifest (the job writes it before CURRENT)"])
    }

    @Test("flat hand-made tables still read; their _RUN stamps must agree")
    func flatTables() throws {
        let path = try EngineTableTests.directory(loans: false, engine: EngineTableTests.tables)
        #expect(EngineTableTests.problems(path).isEmpty)
        // A stamp on one table asks for a stamp on every table.
        try "x\n".write(toFile: path + "/engine/originations/_RUN", atomically: true, encoding: .utf8)
        #expect(EngineTableTests.problems(path) == ["\(path)/engine/status/_RUN:1:1: missing: a table of run x says which run wrote it"])
        for table in EngineTable.allCases { try "x\n".write(toFile: path + "/engine/\(table.rawValue)/_RUN", atomically: true, encoding: .utf8) }
        #expect(EngineTableTests.problems(path).isEmpty)
        try "y\n".write(toFile: path + "/engine/pricing/_RUN", atomically: true, encoding: .utf8)
        #expect(EngineTableTests.problems(path) == [
            "\(path)/engine/pricing/_RUN:1:1: tables of two runs: this one is of run y, but engine/originations is of run x"])
    }
}

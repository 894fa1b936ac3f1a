import Foundation
import Testing
@testable import DataIngest
#if canImport(Glibc)
import Glibc
#endif

/// Only regular files are data: a FIFO, a device, a dangling link or a directory is named for what
/// it is, at once, never read until memory runs out or waited on for good.
@Suite("Special files")
struct SpecialFileTests {
    /// A copy of the sample data in a temporary directory, removed by the caller.
    static func copyOfSample() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-special-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["balances.csv", "banks.csv", "fx.csv", "market.csv", "platforms.csv"] {
            try FileManager.default.copyItem(atPath: Fixture.packageRoot.appendingPathComponent("sample-data/\(name)").path,
                                             toPath: dir + "/" + name)
        }
        return dir
    }

    static func problems(_ dir: String) -> [String] {
        do {
            _ = try DataDirectory(path: dir).load()
            return []
        } catch {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: dir, with: "DIR") }
        }
    }

    @Test("a FIFO, /dev/zero and /dev/urandom as data files are refused by what they are", arguments: [
        ("balances.csv", "fifo", "DIR/balances.csv:1:1: is a FIFO, not a regular file"),
        ("fx.csv", "/dev/zero", "DIR/fx.csv:1:1: is a character device, not a regular file"),
        ("market.csv", "/dev/urandom", "DIR/market.csv:1:1: is a character device, not a regular file"),
        ("market.csv", "/nonexistent-target", "DIR/market.csv:1:1: is a symbolic link to a file that does not exist"),
        ("banks.csv", "directory", "DIR/banks.csv:1:1: is a directory, not a regular file"),
    ])
    func refused(name: String, kind: String, message: String) throws {
        let dir = try Self.copyOfSample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + name
        try FileManager.default.removeItem(atPath: path)
        switch kind {
        case "fifo": #expect(mkfifo(path, 0o600) == 0)
        case "directory": try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        default: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: kind)
        }
        #expect(Self.problems(dir) == [message])
    }

    @Test("a symbolic link to a regular file is read as the file")
    func linkToRegularFile() throws {
        let dir = try Self.copyOfSample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.moveItem(atPath: dir + "/fx.csv", toPath: dir + "/fx-real.csv")
        try FileManager.default.createSymbolicLink(atPath: dir + "/fx.csv", withDestinationPath: dir + "/fx-real.csv")
        #expect(Self.problems(dir).isEmpty)
    }

    @Test("a loan file that is a FIFO is named, not waited on")
    func loanFIFO() throws {
        let dir = try Self.copyOfSample()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/loans", withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/loans/a.csv", 0o600) == 0)
        #expect(Self.problems(dir) == ["DIR/loans/a.csv:1:1: is a FIFO, not a regular file"])
    }

    @Test("a file is read only up to the stated size")
    func sizeLimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x41, count: (1 << 20) + 1).write(to: URL(fileURLWithPath: path))
        #expect(throws: FileBytes.Failure.unreadable("larger than 1 MiB, the most a data file may be")) {
            try FileBytes.read(path, limit: 1 << 20)
        }
    }
}

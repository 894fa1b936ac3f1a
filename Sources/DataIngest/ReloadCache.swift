#if canImport(Glibc)
import Glibc
#endif
import MarketAnalytics

/// What the last reload read, so that the next does only the new work: the small files'
/// validated dataset (reused while their bytes are unchanged) and how far each loan file was
/// parsed (a file that only grew is parsed from where it left off). Used by one thread (the
/// reload worker).
///
/// A file counts as appended to when its inode is the same, it is no shorter, and the 4 KiB
/// before the old end still hash the same; anything else (a rename, a truncation, a rewrite)
/// means a full parse. Only whole lines are taken: a row being appended is left for the next
/// reload. A rewrite that keeps those last 4 KiB identical while changing earlier bytes would
/// go unnoticed; producers that rewrite should write a new file and rename it.
public final class ReloadCache: @unchecked Sendable {
    struct FileState {
        var inode: UInt64
        /// Bytes parsed: always just after a line break.
        var parsedUpTo: Int64
        var checksum: UInt64
        /// The line number of the next row.
        var nextLine: Int
    }

    public enum LastParse: Equatable, Sendable {
        case none, full, tail(bytes: Int64)
    }

    /// The small files' bytes and the dataset validated from them, before loans were attached.
    var base: (sources: [String: [UInt8]], dataset: MarketDataset)?
    /// Counts the times the small files were validated anew: equal counts mean the same base
    /// dataset, so analyses of it can be kept.
    public private(set) var baseVersion = 0
    var files: [String: FileState] = [:]
    /// Where each platform and bank name was first met in the parsed loan files (key: column,
    /// NUL, name), so that one later found unlisted is named at its place.
    var sightings: [String: (file: String, line: Int, column: Int)] = [:]
    var accumulator: LoanAccumulator?
    var granularity: Period.Granularity?
    /// What the last `attachLoans` did, for tests and traces.
    public private(set) var lastParse: LastParse = .none

    public init() {}

    func invalidate() {
        files = [:]
        sightings = [:]
        accumulator = nil
    }

    /// The dataset validated from `sources`: the last one when the bytes are the same (a compare
    /// costs microseconds; validating the sample balances costs tens of milliseconds).
    func validated(_ sources: [String: [UInt8]], _ validate: () throws(IngestFailure) -> MarketDataset) throws(IngestFailure) -> MarketDataset {
        if let base, base.sources == sources { return base.dataset }
        let dataset = try validate()
        base = (sources, dataset)
        baseVersion += 1
        return dataset
    }

    func record(_ parse: LastParse) { lastParse = parse }

    /// The offset just after the last line break in the first `size` bytes (0 when there is none).
    static func lastLineEnd(path: String, size: Int64) -> Int64 {
        // Only a regular file (a FIFO would block here); the parse then names what it is.
        guard let fd = try? FileBytes.openRegular(path) else { return 0 }
        defer { close(fd) }
        var end = size
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        // A row may not be longer than the parser's buffer: with no line break in the last MiB the
        // whole file is taken (its last row is malformed anyway), never a scan of a huge sparse file.
        let floor = max(0, size - (1 << 20))
        while end > floor {
            let start = max(0, end - Int64(buffer.count))
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(end - start), off_t(start)) }
            guard count > 0 else { return 0 }
            if let index = buffer[0..<count].lastIndex(of: UInt8(ascii: "\n")) { return start + Int64(index) + 1 }
            end = start
        }
        return floor > 0 ? size : 0
    }

    /// A hash of the 4 KiB before `offset`.
    static func checksum(path: String, before offset: Int64) -> UInt64 {
        // Only a regular file (a FIFO would block here); the parse then names what it is.
        guard let fd = try? FileBytes.openRegular(path) else { return 0 }
        defer { close(fd) }
        let start = max(0, offset - 4096)
        var buffer = [UInt8](repeating: 0, count: Int(offset - start))
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard count >= 0 else { return 0 }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in buffer[0..<count] { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

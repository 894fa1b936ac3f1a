import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The loans that over-indebtedness needs, kept in radix partitions by borrower hash: in memory
/// while they fit the budget, spilled to a temporary file past it (the external-aggregation
/// design of DuckDB: Kuiper et al., "Robust External Hash Aggregation in the Solid State Age",
/// ICDE 2024). Every loan of one borrower lands in one partition, so each partition can later be
/// finished on its own, exactly, in bounded memory (`IndebtednessFinisher`).
///
/// A record, packed, little-endian: ID length (2 bytes), platform (2), first period key (4),
/// periods covered (2), flags (1: bit 0 = bad status), amount in fen (8), then the ID's bytes.
enum BorrowerRecord {
    static let headerSize = 19
    /// Partitions by the top bits of the borrower's hash.
    static let partitionBits = 8
    static let partitionCount = 1 << partitionBits

    @inline(__always)
    static func partition(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - partitionBits)) }
}

/// One thread's partitions being filled; handed to the store when its parse ends.
final class SpillRun: @unchecked Sendable {
    /// In-memory bytes of each partition (records not written to the file), 16 bytes of slack after.
    fileprivate(set) var tails: [UnsafeMutablePointer<UInt8>?]
    fileprivate(set) var tailLengths: [Int]
    fileprivate var tailCapacities: [Int]
    /// Blocks of each partition in `file`: (offset, length).
    fileprivate(set) var blocks: [[(offset: Int64, length: Int)]]
    /// Period entries each partition's records expand to (an upper bound of its distinct
    /// borrower-periods), to size the finishing tables.
    fileprivate(set) var expanded: [Int]
    fileprivate(set) var file: SpillFile?
    fileprivate var buffered = 0

    init() {
        let count = BorrowerRecord.partitionCount
        tails = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: count)
        tailLengths = [Int](repeating: 0, count: count)
        tailCapacities = [Int](repeating: 0, count: count)
        blocks = [[(offset: Int64, length: Int)]](repeating: [], count: count)
        expanded = [Int](repeating: 0, count: count)
    }

    deinit {
        for tail in tails { tail?.deallocate() }
    }

    /// Bytes of this run held in memory.
    var memoryBytes: Int { tailCapacities.reduce(0, +) }
    /// Bytes written to its file.
    var spilledBytes: Int64 { file?.size ?? 0 }
}

/// Fills one thread's run; spills all partitions when the thread's share of the budget is used.
struct BorrowerSpillWriter {
    let store: BorrowerSpillStore
    private(set) var run = SpillRun()
    private var failed = false

    init(store: BorrowerSpillStore) { self.store = store }

    @inline(__always)
    mutating func add(hash: UInt64, borrower: UnsafePointer<UInt8>, length: Int, platform: Int, firstPeriod: UInt32,
                      periods: Int, cents: Int64, bad: Bool) {
        guard !failed else { return }
        let partition = BorrowerRecord.partition(hash)
        let size = BorrowerRecord.headerSize + length
        if run.tailLengths[partition] + size + 16 > run.tailCapacities[partition] { grow(partition, size) }
        let at = UnsafeMutableRawPointer(run.tails[partition]! + run.tailLengths[partition])
        at.storeBytes(of: UInt16(truncatingIfNeeded: length).littleEndian, as: UInt16.self)
        at.storeBytes(of: UInt16(truncatingIfNeeded: platform).littleEndian, toByteOffset: 2, as: UInt16.self)
        at.storeBytes(of: firstPeriod.littleEndian, toByteOffset: 4, as: UInt32.self)
        at.storeBytes(of: UInt16(truncatingIfNeeded: min(periods, 0xFFFF)).littleEndian, toByteOffset: 8, as: UInt16.self)
        at.storeBytes(of: bad ? 1 : 0, toByteOffset: 10, as: UInt8.self)
        at.storeBytes(of: cents.littleEndian, toByteOffset: 11, as: Int64.self)
        (at + BorrowerRecord.headerSize).copyMemory(from: borrower, byteCount: length)
        run.tailLengths[partition] += size
        run.expanded[partition] += min(periods, 0xFFFF)
        if run.buffered > store.threadBufferBytes { spill() }
    }

    @inline(never)
    private mutating func grow(_ partition: Int, _ size: Int) {
        let old = run.tailCapacities[partition]
        var capacity = max(old * 2, 4096)
        while capacity < run.tailLengths[partition] + size + 16 { capacity *= 2 }
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if let tail = run.tails[partition] {
            bytes.update(from: tail, count: run.tailLengths[partition])
            tail.deallocate()
        }
        run.tails[partition] = bytes
        run.tailCapacities[partition] = capacity
        run.buffered += capacity - old
    }

    /// Writes every partition's records to the run's file as one block each and frees the memory.
    @inline(never)
    private mutating func spill() {
        do throws(SpillFile.Failure) {
            if run.file == nil { run.file = try SpillFile(directory: store.temporaryDirectory) }
            for partition in 0..<BorrowerRecord.partitionCount where run.tailLengths[partition] > 0 {
                let length = run.tailLengths[partition]
                try store.reserve(Int64(length))
                let offset = try run.file!.append(run.tails[partition]!, count: length)
                run.blocks[partition].append((offset, length))
                run.tailLengths[partition] = 0
            }
        } catch {
            store.fail(error)
            failed = true
        }
        for partition in 0..<BorrowerRecord.partitionCount {
            run.tails[partition]?.deallocate()
            run.tails[partition] = nil
            run.tailCapacities[partition] = 0
        }
        run.buffered = 0
    }

    /// Hands the run to the store and starts a new one.
    mutating func finish() {
        store.add(run)
        run = SpillRun()
    }
}

/// Every thread's runs of one loan accumulator, and the budget they share.
public final class BorrowerSpillStore: @unchecked Sendable {
    let options: LoanDetailOptions
    private let lock = NSLock()
    private var runs: [SpillRun] = []
    private var failure: SpillFile.Failure?
    private var reservedBytes: Int64 = 0

    init(options: LoanDetailOptions) { self.options = options }

    var temporaryDirectory: String { options.temporaryDirectory }

    /// A parsing thread's buffers: an eighth of the budget each (two threads: a quarter).
    var threadBufferBytes: Int { max(64 << 10, options.memoryBytes / 8) }

    func add(_ run: SpillRun) {
        lock.lock()
        defer { lock.unlock() }
        runs.append(run)
    }

    var allRuns: [SpillRun] {
        lock.lock()
        defer { lock.unlock() }
        return runs
    }

    func fail(_ error: SpillFile.Failure) {
        lock.lock()
        defer { lock.unlock() }
        if failure == nil { failure = error }
    }

    /// The first write that failed (a full disk, a temporary directory that went away).
    var firstFailure: SpillFile.Failure? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Counts bytes about to be written against `options.spillLimit` (a stand-in for a small
    /// disk in tests): past it, the write fails as a full disk does.
    func reserve(_ bytes: Int64) throws(SpillFile.Failure) {
        lock.lock()
        defer { lock.unlock() }
        reservedBytes += bytes
        if let limit = options.spillLimit, reservedBytes > limit {
            throw .cannotWrite(directory: options.temporaryDirectory, reason: "no space left on device")
        }
    }

    /// Bytes written to temporary files, over all runs.
    public var spilledBytes: Int64 { allRuns.reduce(0) { $0 + $1.spilledBytes } }
}

/// How over-indebtedness, pricing and co-funding are computed from loan files.
public struct LoanDetailOptions: Sendable {
    /// The memory the borrower work may use before it spills (`--memory`).
    public var memoryBytes: Int
    /// Where spilled partitions go (`--temp-dir`).
    public var temporaryDirectory: String
    /// New lending is counted above each of these annual rates, as fractions in billionths
    /// (0.24 = 240,000,000).
    public var aprThresholds: [Int64]
    /// For tests: spill writes past this many bytes fail as on a full disk.
    var spillLimit: Int64?

    public static let defaultMemoryBytes = 64 << 20
    /// `$TMPDIR`, else `/tmp`.
    public static var defaultTemporaryDirectory: String { SpillFile.defaultDirectory }
    /// 24% and 36%: the thresholds of the Supreme People's Court's interest rules and the 2017
    /// cash-loan notice.
    public static let defaultAPRThresholds: [Int64] = [240_000_000, 360_000_000]

    public init(memoryBytes: Int = LoanDetailOptions.defaultMemoryBytes,
                temporaryDirectory: String = LoanDetailOptions.defaultTemporaryDirectory,
                aprThresholds: [Int64] = LoanDetailOptions.defaultAPRThresholds) {
        self.memoryBytes = memoryBytes
        self.temporaryDirectory = temporaryDirectory
        self.aprThresholds = aprThresholds
    }

    init(memoryBytes: Int, temporaryDirectory: String, aprThresholds: [Int64] = LoanDetailOptions.defaultAPRThresholds,
         spillLimit: Int64?) {
        self.init(memoryBytes: memoryBytes, temporaryDirectory: temporaryDirectory, aprThresholds: aprThresholds)
        self.spillLimit = spillLimit
    }
}

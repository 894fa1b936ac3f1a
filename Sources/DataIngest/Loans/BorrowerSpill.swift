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
/// A record, packed, little-endian, 17 bytes for a 7-byte ID and a typical amount (the spill's
/// volume is what the disk pays for): the ID's length (1 byte, or 255 then 2 bytes), the platform
/// (2), the first period key (2, or 0xFFFF then 4), the periods covered with the bad flag in the
/// top bit (1: up to 126 periods, or 127 then 2 bytes), the amount in fen (LEB128, 1 to 10
/// bytes), then the ID's bytes.
enum BorrowerRecord {
    /// The most bytes a record takes besides its ID.
    static let maximumHeader = 3 + 2 + 6 + 3 + 10

    /// Writes a record at `at`; returns its size.
    @inline(__always)
    static func write(_ at: UnsafeMutablePointer<UInt8>, id: UnsafePointer<UInt8>, length: Int, platform: Int,
                      firstPeriod: UInt32, periods: Int, cents: Int64, bad: Bool) -> Int {
        var n = 0
        if length < 255 {
            at[0] = UInt8(truncatingIfNeeded: length); n = 1
        } else {
            at[0] = 255; at[1] = UInt8(truncatingIfNeeded: length); at[2] = UInt8(truncatingIfNeeded: length >> 8); n = 3
        }
        at[n] = UInt8(truncatingIfNeeded: platform); at[n &+ 1] = UInt8(truncatingIfNeeded: platform >> 8); n &+= 2
        if firstPeriod < 0xFFFF {
            at[n] = UInt8(truncatingIfNeeded: firstPeriod); at[n &+ 1] = UInt8(truncatingIfNeeded: firstPeriod >> 8); n &+= 2
        } else {
            at[n] = 0xFF; at[n &+ 1] = 0xFF
            UnsafeMutableRawPointer(at + (n &+ 2)).storeBytes(of: firstPeriod.littleEndian, as: UInt32.self)
            n &+= 6
        }
        let flag: UInt8 = bad ? 0x80 : 0
        if periods < 127 {
            at[n] = flag | UInt8(truncatingIfNeeded: periods); n &+= 1
        } else {
            at[n] = flag | 127; at[n &+ 1] = UInt8(truncatingIfNeeded: periods); at[n &+ 2] = UInt8(truncatingIfNeeded: periods >> 8)
            n &+= 3
        }
        var value = UInt64(bitPattern: cents)
        while value >= 0x80 { at[n] = UInt8(truncatingIfNeeded: value) | 0x80; value >>= 7; n &+= 1 }
        at[n] = UInt8(truncatingIfNeeded: value); n &+= 1
        (at + n).update(from: id, count: length)
        return n &+ length
    }

    /// Reads the record at `at`: its fields and the ID's position; `size` is the record's size.
    @inline(__always)
    static func read(_ at: UnsafePointer<UInt8>) -> (id: UnsafePointer<UInt8>, length: Int, platform: Int, firstPeriod: UInt64,
                                                     periods: Int, bad: Bool, cents: Int64, size: Int) {
        var n = 1
        var length = Int(at[0])
        if length == 255 { length = Int(at[1]) | Int(at[2]) << 8; n = 3 }
        let platform = Int(at[n]) | Int(at[n &+ 1]) << 8
        n &+= 2
        var first = UInt64(at[n]) | UInt64(at[n &+ 1]) << 8
        n &+= 2
        if first == 0xFFFF {
            first = UInt64(UInt32(littleEndian: UnsafeRawPointer(at + n).loadUnaligned(as: UInt32.self)))
            n &+= 4
        }
        let flagged = at[n]
        let bad = flagged & 0x80 != 0
        var periods = Int(flagged & 0x7F)
        n &+= 1
        if periods == 127 { periods = Int(at[n]) | Int(at[n &+ 1]) << 8; n &+= 2 }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = at[n]
            n &+= 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift &+= 7
        }
        return (at + n, length, platform, first, periods, bad, Int64(bitPattern: value), n &+ length)
    }
    /// Partitions by the top bits of the borrower's hash.
    static let partitionBits = 10
    static let partitionCount = 1 << partitionBits

    @inline(__always)
    static func partition(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - partitionBits)) }
}

/// One thread's partitions once its parse ended: what is in memory and where the rest is on disk.
final class SpillRun: @unchecked Sendable {
    /// In-memory bytes of each partition (records not written to the file), 16 bytes of slack after.
    let tails: [UnsafeMutablePointer<UInt8>?]
    let tailLengths: [Int]
    /// Blocks of each partition in `file`: (offset, length).
    let blocks: [[(offset: Int64, length: Int)]]
    /// Period entries each partition's records expand to (an upper bound of its distinct
    /// borrower-periods), to size the finishing tables.
    let expanded: [Int]
    /// Records in each partition: with the number of period ends reported, the other bound.
    let records: [Int]
    let file: SpillFile?

    init(tails: [UnsafeMutablePointer<UInt8>?], tailLengths: [Int], blocks: [[(offset: Int64, length: Int)]], expanded: [Int],
         records: [Int], file: SpillFile?) {
        (self.tails, self.tailLengths, self.blocks, self.expanded, self.records, self.file) = (tails, tailLengths, blocks, expanded,
                                                                                              records, file)
    }

    deinit {
        for tail in tails { tail?.deallocate() }
    }

    /// Bytes written to its file.
    var spilledBytes: Int64 { file?.size ?? 0 }
}

/// Fills one thread's partitions; spills them all when the thread's share of the budget is used.
/// On raw memory: it takes one record per outstanding loan on the parse's hot path.
struct BorrowerSpillWriter {
    let store: BorrowerSpillStore
    private let count = BorrowerRecord.partitionCount
    private var tails: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    private var lengths: UnsafeMutablePointer<Int>
    private var capacities: UnsafeMutablePointer<Int>
    private var expanded: UnsafeMutablePointer<Int>
    private var records: UnsafeMutablePointer<Int>
    private var blocks: [[(offset: Int64, length: Int)]]
    private var file: SpillFile?
    private var buffered = 0
    private let limit: Int
    private var failed = false

    init(store: BorrowerSpillStore) {
        self.store = store
        limit = store.threadBufferBytes
        tails = .allocate(capacity: count)
        tails.initialize(repeating: nil, count: count)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        capacities = .allocate(capacity: count)
        capacities.initialize(repeating: 0, count: count)
        expanded = .allocate(capacity: count)
        expanded.initialize(repeating: 0, count: count)
        records = .allocate(capacity: count)
        records.initialize(repeating: 0, count: count)
        blocks = [[(offset: Int64, length: Int)]](repeating: [], count: count)
    }

    @inline(__always)
    mutating func add(hash: UInt64, borrower: UnsafePointer<UInt8>, length: Int, platform: Int, firstPeriod: UInt32,
                      periods: Int, cents: Int64, bad: Bool) {
        guard !failed else { return }
        let partition = BorrowerRecord.partition(hash)
        let most = BorrowerRecord.maximumHeader &+ length
        if lengths[partition] &+ most &+ 16 > capacities[partition] { grow(partition, most) }
        lengths[partition] &+= BorrowerRecord.write(tails[partition]! + lengths[partition], id: borrower, length: length,
                                                    platform: platform, firstPeriod: firstPeriod, periods: periods,
                                                    cents: cents, bad: bad)
        expanded[partition] &+= periods
        records[partition] &+= 1
    }

    @inline(never)
    private mutating func grow(_ partition: Int, _ size: Int) {
        let old = capacities[partition]
        // Small at first: a reload that appends a few rows touches many partitions with little each.
        var capacity = max(old * 2, 256)
        while capacity < lengths[partition] + size + 16 { capacity *= 2 }
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if let tail = tails[partition] {
            bytes.update(from: tail, count: lengths[partition])
            tail.deallocate()
        }
        tails[partition] = bytes
        capacities[partition] = capacity
        buffered += capacity - old
        if buffered > limit { spill(keeping: partition) }
    }

    /// Writes every partition's records to the thread's file as one block each and frees the
    /// memory (but that of `keeping`, which is being written to).
    private mutating func spill(keeping: Int = -1) {
        do throws(SpillFile.Failure) {
            if file == nil { file = try SpillFile(directory: store.temporaryDirectory) }
            for partition in 0..<count where lengths[partition] > 0 {
                let length = lengths[partition]
                try store.reserve(Int64(length))
                let offset = try file!.append(tails[partition]!, count: length)
                blocks[partition].append((offset, length))
                lengths[partition] = 0
            }
        } catch {
            // Nothing more is kept: the parse fails with this error (the caller keeps its data).
            store.fail(error)
            failed = true
            lengths.update(repeating: 0, count: count)
        }
        for partition in 0..<count where partition != keeping {
            tails[partition]?.deallocate()
            tails[partition] = nil
            buffered -= capacities[partition]
            capacities[partition] = 0
        }
    }

    /// Hands the partitions to the store (and the memory with them) and starts anew.
    mutating func finish() {
        // Once a thread has spilled, its last records go to the file too: the memory is the finishing's.
        if file != nil && buffered > 0 && !failed { spill() }
        store.add(SpillRun(tails: Array(UnsafeBufferPointer(start: tails, count: count)),
                           tailLengths: Array(UnsafeBufferPointer(start: lengths, count: count)), blocks: blocks,
                           expanded: Array(UnsafeBufferPointer(start: expanded, count: count)),
                           records: Array(UnsafeBufferPointer(start: records, count: count)), file: file))
        tails.update(repeating: nil, count: count)
        lengths.update(repeating: 0, count: count)
        capacities.update(repeating: 0, count: count)
        expanded.update(repeating: 0, count: count)
        records.update(repeating: 0, count: count)
        blocks = [[(offset: Int64, length: Int)]](repeating: [], count: count)
        file = nil
        buffered = 0
    }

    /// Frees the writer's own arrays (the partitions' memory went to the store).
    func release() {
        for partition in 0..<count { tails[partition]?.deallocate() }
        tails.deallocate()
        lengths.deallocate()
        capacities.deallocate()
        expanded.deallocate()
        records.deallocate()
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
    var threadBufferBytes: Int { max(4 << 10, options.memoryBytes / 8) }

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

    /// Runs held: one a parsing thread a parse (a reload that appends adds its own).
    public var runCount: Int { allRuns.count }

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

import MarketAnalytics
#if canImport(Glibc)
import Glibc
#endif

/// Every borrower's debt at every period end, for exact nearest-rank percentiles in bounded
/// memory. Values stay in memory up to a budget, then go to a temporary file. The percentiles
/// are then found by narrowing: a pass over the values counts them in 1,024 buckets of each
/// target's current range, the bucket holding the wanted rank becomes the new range, and once
/// few enough values are left in it they are collected and sorted. Each pass divides a range by
/// 1,024, so seven passes at most reach a single value; two or three are usual.
final class DebtValues: @unchecked Sendable {
    /// Values waiting in memory, one word each: period index (12 bits), multi (1 bit), fen (51
    /// bits). A value that does not fit (a period past 4,096 or a debt past 22.5 trillion yuan)
    /// is kept whole among the outliers.
    struct Buffer {
        let words: UnsafeMutablePointer<UInt64>
        let capacity: Int
        var count = 0
        var outliers: [(tag: UInt64, value: UInt64)] = []

        /// False when full (the caller flushes and adds again).
        @inline(__always)
        mutating func add(period: Int, multi: Bool, value: Int64) -> Bool {
            guard count < capacity else { return false }
            if period < 1 << 12, value >= 0, value < 1 << 51 {
                words[count] = UInt64(period) << 52 | (multi ? 1 << 51 : 0) | UInt64(value)
                count += 1
            } else {
                outliers.append((UInt64(period) << 1 | (multi ? 1 : 0), UInt64(bitPattern: value)))
            }
            return true
        }
    }

    private var buffer: Buffer?
    private var file: SpillFile?
    private let temporaryDirectory: String

    init(budget: Int, temporaryDirectory: String) {
        let capacity = max(1024, budget / 8)
        buffer = Buffer(words: .allocate(capacity: capacity), capacity: capacity)
        self.temporaryDirectory = temporaryDirectory
    }

    deinit { buffer?.words.deallocate() }

    /// The buffer, for a thread to fill without a class access per value; `put` it back.
    func take() -> Buffer { buffer.take()! }
    func put(_ filled: Buffer) { buffer = filled }

    /// Writes the buffer's words to the temporary file and empties it.
    func flush(_ filled: inout Buffer) throws(SpillFile.Failure) {
        if file == nil { file = try SpillFile(directory: temporaryDirectory) }
        _ = try file!.append(filled.words, count: filled.count * 8)
        filled.count = 0
    }

    /// Calls `body` with every (period << 1 | multi, value) pair, from the file in 1 MiB reads,
    /// then from memory.
    func forEach(_ body: (UInt64, UInt64) -> Void) throws(SpillFile.Failure) {
        @inline(__always) func unpack(_ word: UInt64) { body((word >> 52) << 1 | (word >> 51 & 1), word & ((1 << 51) - 1)) }
        if let file {
            let chunk = 1 << 20
            let raw = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
            defer { raw.deallocate() }
            var offset: Int64 = 0
            while offset < file.size {
                let count = Int(min(Int64(chunk), file.size - offset))
                try file.read(into: raw, count: count, at: offset)
                let words = raw.assumingMemoryBound(to: UInt64.self)
                for i in 0..<(count / 8) { unpack(words[i]) }
                offset += Int64(count)
            }
        }
        guard let buffer else { return }
        for i in 0..<buffer.count { unpack(buffer.words[i]) }
        for outlier in buffer.outliers { body(outlier.tag, outlier.value) }
    }

    var isInMemory: Bool { file == nil }

    /// One wanted value: the `rank`-th smallest (1-based) of period `period`'s values of a class
    /// (`multi`: borrowers on 2+ groups only), searched within [low, high].
    private struct Target {
        let period: Int
        let multi: Bool
        var rank: Int
        var low: UInt64
        var high: UInt64
        var found: Int64?
        /// Buckets of the current pass: (value − low) >> shift.
        var shift: UInt64 = 0
        var histogram: Int = -1
        /// Values in the range after the last pass.
        var remaining = Int.max

        var classIndex: Int { period * 2 + (multi ? 1 : 0) }
    }

    /// p50, p90, p99 and max of every period's debts, for all borrowers and for those on 2+
    /// groups. `counts[i]` gives period i's counts and maxima, which the tallies know.
    static func percentiles(_ sources: [DebtValues], counts: [(all: Int, multi: Int, maxAll: Int64, maxMulti: Int64)],
                            budget: Int) throws(SpillFile.Failure) -> [(all: DebtPercentiles?, multi: DebtPercentiles?)] {
        let periods = counts.count
        var targets: [Target] = []
        for period in 0..<periods {
            for multi in [false, true] {
                let n = multi ? counts[period].multi : counts[period].all
                guard n > 0 else { continue }
                for p in DebtPercentiles.levels {
                    targets.append(Target(period: period, multi: multi, rank: DebtPercentiles.nearestRank(p, of: n), low: 0,
                                          high: UInt64(max(0, multi ? counts[period].maxMulti : counts[period].maxAll))))
                }
            }
        }
        // Values gathered in one collecting pass, all targets together: at most the budget.
        let collectLimit = max(1024, budget / 8 / max(1, targets.count))
        // Buckets a pass: as many as a quarter of the budget holds for the active targets.
        while targets.contains(where: { $0.found == nil }) {
            let active = targets.indices.filter { targets[$0].found == nil }
            let inMemory = sources.allSatisfy(\.isInMemory)
            let bucketBits = inMemory ? 0 : max(6, min(16, Int(log2(Double(max(1, budget / 4 / 8 / active.count))))))
            if bucketBits == 0 {
                try collect(&targets, sources, classes: periods * 2)
                break
            }
            var byClass = [[Int]](repeating: [], count: periods * 2)
            for (slot, t) in active.enumerated() {
                byClass[targets[t].classIndex].append(t)
                let width = targets[t].high - targets[t].low
                let bits = width == 0 ? 0 : 64 - width.leadingZeroBitCount
                targets[t].shift = UInt64(max(0, bits - bucketBits))
                targets[t].histogram = slot << bucketBits
            }
            var histogram = [Int](repeating: 0, count: active.count << bucketBits)
            try histogram.withUnsafeMutableBufferPointer { counts throws(SpillFile.Failure) in
                let snapshot = targets
                for source in sources {
                    try source.forEach { tag, value in
                        let base = Int(tag >> 1) * 2
                        for cls in 0..<(tag & 1 != 0 ? 2 : 1) {
                            for t in byClass[base + cls] {
                                let target = snapshot[t]
                                guard value >= target.low, value <= target.high else { continue }
                                counts[target.histogram + Int((value - target.low) >> target.shift)] += 1
                            }
                        }
                    }
                }
            }
            for t in active {
                var before = 0
                for b in 0..<(1 << bucketBits) {
                    let inBucket = histogram[targets[t].histogram + b]
                    if before + inBucket >= targets[t].rank {
                        let low = targets[t].low + (UInt64(b) << targets[t].shift)
                        targets[t].high = min(targets[t].high, low + ((1 << targets[t].shift) - 1))
                        targets[t].low = low
                        targets[t].rank -= before
                        targets[t].remaining = inBucket
                        // Every value left is the same: that is the answer.
                        if low == targets[t].high { targets[t].found = Int64(bitPattern: low) }
                        break
                    }
                    before += inBucket
                }
            }
            let ready = active.filter { targets[$0].found == nil && targets[$0].remaining <= collectLimit }
            if !ready.isEmpty {
                // The targets whose range is now small enough gather their values; the rest narrow again.
                var narrowed = targets
                for t in narrowed.indices where narrowed[t].found == nil && !ready.contains(t) { narrowed[t].found = -1 }
                try collect(&narrowed, sources, classes: periods * 2)
                for t in ready { targets[t].found = narrowed[t].found }
            }
        }
        var result = [(all: DebtPercentiles?, multi: DebtPercentiles?)](repeating: (nil, nil), count: periods)
        var index = 0
        for period in 0..<periods {
            for multi in [false, true] {
                let n = multi ? counts[period].multi : counts[period].all
                guard n > 0 else { continue }
                let found = targets[index..<(index + 3)].map { $0.found! }
                index += 3
                let p = DebtPercentiles(p50: found[0], p90: found[1], p99: found[2],
                                        max: multi ? counts[period].maxMulti : counts[period].maxAll)
                if multi { result[period].multi = p } else { result[period].all = p }
            }
        }
        return result
    }

    /// For every target not yet found: gathers the values of its class within its range, sorts
    /// them and takes its rank.
    private static func collect(_ targets: inout [Target], _ sources: [DebtValues], classes: Int) throws(SpillFile.Failure) {
        // Targets sharing a class and range gather once.
        var rangeOf = [Int](repeating: -1, count: targets.count)
        var ranges: [(cls: Int, low: UInt64, high: UInt64)] = []
        var byClass = [[Int]](repeating: [], count: classes)
        for t in targets.indices where targets[t].found == nil {
            if let same = ranges.firstIndex(where: { $0 == (targets[t].classIndex, targets[t].low, targets[t].high) }) {
                rangeOf[t] = same
            } else {
                rangeOf[t] = ranges.count
                byClass[targets[t].classIndex].append(ranges.count)
                ranges.append((targets[t].classIndex, targets[t].low, targets[t].high))
            }
        }
        var gathered = [[Int64]](repeating: [], count: ranges.count)
        try source(sources) { tag, value in
            let base = Int(tag >> 1) * 2
            for cls in 0..<(tag & 1 != 0 ? 2 : 1) {
                for r in byClass[base + cls] where value >= ranges[r].low && value <= ranges[r].high {
                    gathered[r].append(Int64(bitPattern: value))
                }
            }
        }
        for r in gathered.indices { gathered[r].sort() }
        for t in targets.indices where targets[t].found == nil {
            targets[t].found = gathered[rangeOf[t]][targets[t].rank - 1]
        }
    }

    private static func source(_ sources: [DebtValues], _ body: (UInt64, UInt64) -> Void) throws(SpillFile.Failure) {
        for source in sources { try source.forEach(body) }
    }
}

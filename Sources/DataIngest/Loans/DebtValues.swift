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
        private(set) var words: UnsafeMutablePointer<UInt64>
        /// Grows by doubling up to `limit`, so a large budget costs nothing until it is used.
        private var capacity: Int
        let limit: Int
        var count = 0
        var outliers: [(tag: UInt64, value: UInt64)] = []

        init(limit: Int) {
            self.limit = limit
            capacity = min(limit, 4096)
            words = .allocate(capacity: capacity)
        }

        /// False when full (the caller flushes and adds again).
        @inline(__always)
        mutating func add(period: Int, multi: Bool, value: Int64) -> Bool {
            if count == capacity {
                guard capacity < limit else { return false }
                let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: min(limit, capacity * 2))
                grown.update(from: words, count: count)
                words.deallocate()
                (words, capacity) = (grown, min(limit, capacity * 2))
            }
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
        buffer = Buffer(limit: max(1024, budget / 8))
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

    /// Calls `body` with the packed words, from the file in 1 MiB reads, then from memory; then
    /// `outlier` with each value kept whole.
    func forEachChunk(_ body: (UnsafeBufferPointer<UInt64>) -> Void,
                      outlier: (_ period: Int, _ multi: Bool, _ value: UInt64) -> Void) throws(SpillFile.Failure) {
        if let file {
            let chunk = 1 << 20
            let raw = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
            defer { raw.deallocate() }
            var offset: Int64 = 0
            while offset < file.size {
                let count = Int(min(Int64(chunk), file.size - offset))
                try file.read(into: raw, count: count, at: offset)
                body(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt64.self), count: count / 8))
                offset += Int64(count)
            }
        }
        guard let buffer else { return }
        body(UnsafeBufferPointer(start: buffer.words, count: buffer.count))
        for o in buffer.outliers { outlier(Int(o.tag >> 1), o.tag & 1 != 0, o.value) }
    }

    var isInMemory: Bool { file == nil }

    /// A range of one class's values being searched: (value − low) >> shift picks its bucket.
    private struct Range: Equatable {
        let cls: Int
        let low: UInt64
        let high: UInt64
        var shift: UInt64 = 0
    }

    /// One wanted value: the `rank`-th smallest (1-based) of a class's values (class = period × 2
    /// + 1 for borrowers on 2+ groups), searched within [low, high].
    private struct Target {
        let cls: Int
        var rank: Int
        var low: UInt64
        var high: UInt64
        var found: Int64?
        /// Values in the range after the last pass.
        var remaining = Int.max
    }

    /// p50, p90, p99 and max of every period's debts, for all borrowers and for those on 2+
    /// groups. `counts[i]` gives period i's counts and maxima, which the tallies know. Each pass
    /// runs on every source at once (one thread each) and adds their counts.
    static func percentiles(_ sources: [DebtValues], counts: [(all: Int, multi: Int, maxAll: Int64, maxMulti: Int64)],
                            budget: Int) throws(SpillFile.Failure) -> [(all: DebtPercentiles?, multi: DebtPercentiles?)] {
        let classes = counts.count * 2
        var targets: [Target] = []
        for period in counts.indices {
            for multi in [false, true] {
                let n = multi ? counts[period].multi : counts[period].all
                guard n > 0 else { continue }
                let high = UInt64(max(0, multi ? counts[period].maxMulti : counts[period].maxAll))
                for p in DebtPercentiles.levels {
                    targets.append(Target(cls: period * 2 + (multi ? 1 : 0), rank: DebtPercentiles.nearestRank(p, of: n),
                                          low: 0, high: high))
                }
            }
        }
        let inMemory = sources.allSatisfy(\.isInMemory)
        // Values gathered in one collecting pass, all targets together: at most the budget.
        // (Each source gathers its part, then they are joined and sorted: four copies at most.)
        let collectLimit = inMemory ? Int.max : max(1024, budget / 8 / 4 / max(1, targets.count))
        while targets.contains(where: { $0.found == nil }) {
            let open = targets.indices.filter { targets[$0].found == nil }
            let ready = open.filter { targets[$0].remaining <= collectLimit }
            if !ready.isEmpty {
                try collect(&targets, ready, sources, classes: classes)
                continue
            }
            // A histogram a distinct range (the three percentiles of a class share one at first).
            var ranges: [Range] = []
            var rangeOf: [Int: Int] = [:]
            for t in open {
                let range = Range(cls: targets[t].cls, low: targets[t].low, high: targets[t].high)
                if let known = ranges.firstIndex(of: range) { rangeOf[t] = known } else { rangeOf[t] = ranges.count; ranges.append(range) }
            }
            // Every source thread keeps its own counts, and their sum is one more.
            let bucketBits = max(6, min(16, Int(log2(Double(max(1, budget / 4 / 8 / ranges.count / (sources.count + 1)))))))
            for r in ranges.indices {
                let width = ranges[r].high - ranges[r].low
                let bits = width == 0 ? 0 : 64 - width.leadingZeroBitCount
                ranges[r].shift = UInt64(max(0, bits - bucketBits))
            }
            let histogram = try pass(sources, ranges: ranges, classes: classes, bucketBits: bucketBits)
            for t in open {
                let r = rangeOf[t]!
                var before = 0
                for b in 0..<(1 << bucketBits) {
                    let inBucket = histogram[r << bucketBits + b]
                    if before + inBucket >= targets[t].rank {
                        let low = ranges[r].low + (UInt64(b) << ranges[r].shift)
                        targets[t].high = min(ranges[r].high, low + ((1 << ranges[r].shift) - 1))
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
        }
        var result = [(all: DebtPercentiles?, multi: DebtPercentiles?)](repeating: (nil, nil), count: counts.count)
        var index = 0
        for period in counts.indices {
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

    /// Up to three ranges a class, as flat arrays a value's loop reads without retains.
    private struct RangeIndex {
        let ofClass: [Int32]
        let lows: [UInt64]
        let highs: [UInt64]
        let shifts: [UInt64]

        init(_ ranges: [Range], classes: Int) {
            var ofClass = [Int32](repeating: -1, count: classes * 4)
            var filled = [Int](repeating: 0, count: classes)
            for (r, range) in ranges.enumerated() where filled[range.cls] < 4 {
                ofClass[range.cls * 4 + filled[range.cls]] = Int32(r)
                filled[range.cls] += 1
            }
            self.ofClass = ofClass
            lows = ranges.map(\.low)
            highs = ranges.map(\.high)
            shifts = ranges.map(\.shift)
        }
    }

    /// Counts the values of each range in its buckets, every source on its own thread.
    private static func pass(_ sources: [DebtValues], ranges: [Range], classes: Int, bucketBits: Int) throws(SpillFile.Failure) -> [Int] {
        let index = RangeIndex(ranges, classes: classes)
        let results = sources.map { _ in PassResult(count: ranges.count << bucketBits) }
        runConcurrently(zip(sources, results).map { source, result in
            {
                result.counts.withUnsafeMutableBufferPointer { counts in
                    index.ofClass.withUnsafeBufferPointer { ofClass in
                        index.lows.withUnsafeBufferPointer { lows in
                            index.highs.withUnsafeBufferPointer { highs in
                                index.shifts.withUnsafeBufferPointer { shifts in
                                    @inline(__always) func count(_ cls: Int, _ value: UInt64) {
                                        for k in 0..<4 {
                                            let r = Int(ofClass[cls &* 4 &+ k])
                                            if r < 0 { break }
                                            if value >= lows[r] && value <= highs[r] {
                                                counts[r &<< bucketBits &+ Int(truncatingIfNeeded: (value &- lows[r]) &>> shifts[r])] &+= 1
                                            }
                                        }
                                    }
                                    do throws(SpillFile.Failure) {
                                        try source.forEachChunk({ words in
                                            for word in words {
                                                let cls = Int(truncatingIfNeeded: word >> 52) &* 2
                                                let value = word & ((1 << 51) - 1)
                                                count(cls, value)
                                                if word >> 51 & 1 != 0 { count(cls &+ 1, value) }
                                            }
                                        }, outlier: { period, multi, value in
                                            count(period * 2, value)
                                            if multi { count(period * 2 + 1, value) }
                                        })
                                    } catch {
                                        result.failure = error
                                    }
                                }
                            }
                        }
                    }
                }
            }
        })
        if let failure = results.compactMap(\.failure).first { throw failure }
        var total = results[0].counts
        for result in results.dropFirst() { for i in total.indices { total[i] += result.counts[i] } }
        return total
    }

    private final class PassResult: @unchecked Sendable {
        var counts: [Int]
        var values: [[Int64]] = []
        var failure: SpillFile.Failure?
        init(count: Int) { counts = [Int](repeating: 0, count: count) }
    }

    /// For the `ready` targets: gathers the values of their ranges (every source on its own
    /// thread), sorts them and takes each target's rank.
    private static func collect(_ targets: inout [Target], _ ready: [Int], _ sources: [DebtValues], classes: Int) throws(SpillFile.Failure) {
        var ranges: [Range] = []
        var rangeOf: [Int: Int] = [:]
        for t in ready {
            let range = Range(cls: targets[t].cls, low: targets[t].low, high: targets[t].high)
            if let known = ranges.firstIndex(of: range) { rangeOf[t] = known } else { rangeOf[t] = ranges.count; ranges.append(range) }
        }
        // A class may have more ranges than the pass's four: gather in groups of four a class.
        var remaining = Array(ranges.indices)
        var gathered = [[Int64]](repeating: [], count: ranges.count)
        while !remaining.isEmpty {
            var taken: [Int] = []
            var perClass = [Int](repeating: 0, count: classes)
            var rest: [Int] = []
            for r in remaining {
                if perClass[ranges[r].cls] < 4 { perClass[ranges[r].cls] += 1; taken.append(r) } else { rest.append(r) }
            }
            remaining = rest
            let subset = taken.map { ranges[$0] }
            let index = RangeIndex(subset, classes: classes)
            let results = sources.map { _ in PassResult(count: 0) }
            for result in results { result.values = [[Int64]](repeating: [], count: subset.count) }
            runConcurrently(zip(sources, results).map { source, result in
                {
                    // Gathered into a local, not the shared result: no access check a value.
                    var values = [[Int64]](repeating: [], count: subset.count)
                    defer { result.values = values }
                    func gather(_ cls: Int, _ value: UInt64) {
                        for k in 0..<4 {
                            let r = Int(index.ofClass[cls &* 4 &+ k])
                            if r < 0 { break }
                            if value >= index.lows[r] && value <= index.highs[r] { values[r].append(Int64(bitPattern: value)) }
                        }
                    }
                    do throws(SpillFile.Failure) {
                        try source.forEachChunk({ words in
                            for word in words {
                                let cls = Int(truncatingIfNeeded: word >> 52) &* 2
                                let value = word & ((1 << 51) - 1)
                                gather(cls, value)
                                if word >> 51 & 1 != 0 { gather(cls + 1, value) }
                            }
                        }, outlier: { period, multi, value in
                            gather(period * 2, value)
                            if multi { gather(period * 2 + 1, value) }
                        })
                    } catch {
                        result.failure = error
                    }
                }
            })
            if let failure = results.compactMap(\.failure).first { throw failure }
            for (position, r) in taken.enumerated() {
                gathered[r] = results.flatMap { $0.values[position] }.sorted()
            }
        }
        for t in ready {
            targets[t].found = gathered[rangeOf[t]!][targets[t].rank - 1]
        }
    }
}

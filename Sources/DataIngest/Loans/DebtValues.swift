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
    /// Two words a value: period index << 1 | multi, then the debt in fen.
    private var memory: [UInt64] = []
    private let budgetWords: Int
    private var file: SpillFile?
    private let temporaryDirectory: String

    init(budget: Int, temporaryDirectory: String) {
        budgetWords = max(1024, budget / 8)
        self.temporaryDirectory = temporaryDirectory
    }

    func add(period: Int, multi: Bool, value: Int64) throws(SpillFile.Failure) {
        memory.append(UInt64(period) << 1 | (multi ? 1 : 0))
        memory.append(UInt64(bitPattern: value))
        if memory.count >= budgetWords { try spill() }
    }

    private func spill() throws(SpillFile.Failure) {
        if file == nil { file = try SpillFile(directory: temporaryDirectory) }
        let words = memory
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: words.count * 8, alignment: 8)
        defer { pointer.deallocate() }
        words.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        _ = try file!.append(pointer, count: words.count * 8)
        memory.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with every (tag, value) pair, from the file in 1 MiB reads, then from memory.
    func forEach(_ body: (UInt64, UInt64) -> Void) throws(SpillFile.Failure) {
        if let file {
            let chunk = 1 << 20
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            var offset: Int64 = 0
            while offset < file.size {
                let count = Int(min(Int64(chunk), file.size - offset))
                try file.read(into: buffer, count: count, at: offset)
                let words = buffer.assumingMemoryBound(to: UInt64.self)
                for i in stride(from: 0, to: count / 8, by: 2) { body(words[i], words[i + 1]) }
                offset += Int64(count)
            }
        }
        for i in stride(from: 0, to: memory.count, by: 2) { body(memory[i], memory[i + 1]) }
    }

    var isInMemory: Bool { file == nil }

    /// One wanted value: the `rank`-th smallest (1-based) of period `period`'s values of a class
    /// (`multi`: borrowers on 2+ groups only), searched within [low, high].
    private struct Target {
        let period: Int
        let multi: Bool
        var rank: Int
        var low: UInt64 = 0
        var high: UInt64 = UInt64(Int64.max)
        var found: Int64?
    }

    /// p50, p90, p99 and max of every period's debts, for all borrowers and for those on 2+
    /// groups. `counts[i]` gives period i's (all, multi) counts, which the tallies know.
    static func percentiles(_ sources: [DebtValues], counts: [(all: Int, multi: Int)], budget: Int) throws(SpillFile.Failure)
        -> [(all: DebtPercentiles?, multi: DebtPercentiles?)] {
        let periods = counts.count
        // The maximum of each (period, class): one pass.
        var maxima = [Int64](repeating: 0, count: periods * 2)
        for source in sources {
            try source.forEach { tag, value in
                let period = Int(tag >> 1), v = Int64(bitPattern: value)
                if v > maxima[period * 2] { maxima[period * 2] = v }
                if tag & 1 != 0 && v > maxima[period * 2 + 1] { maxima[period * 2 + 1] = v }
            }
        }
        var targets: [Target] = []
        for period in 0..<periods {
            for multi in [false, true] {
                let n = multi ? counts[period].multi : counts[period].all
                guard n > 0 else { continue }
                for p in DebtPercentiles.levels {
                    targets.append(Target(period: period, multi: multi, rank: DebtPercentiles.nearestRank(p, of: n),
                                          high: UInt64(maxima[period * 2 + (multi ? 1 : 0)])))
                }
            }
        }
        if sources.allSatisfy(\.isInMemory) {
            try collect(&targets, sources)
        } else {
            let buckets = 1024
            // Values gathered in one collecting pass, all targets together: at most the budget.
            let collectLimit = max(buckets, budget / 8 / max(1, targets.count))
            while targets.contains(where: { $0.found == nil }) {
                let active = targets.indices.filter { targets[$0].found == nil }
                // Targets by (period, class), so each value finds its own.
                var byClass = [[Int]](repeating: [], count: periods * 2)
                for t in active { byClass[targets[t].period * 2 + (targets[t].multi ? 1 : 0)].append(t) }
                var histogram = [Int](repeating: 0, count: targets.count * buckets)
                let widths = targets.map { $0.high - $0.low + 1 }
                for source in sources {
                    try source.forEach { tag, value in
                        let period = Int(tag >> 1)
                        for cls in 0..<(tag & 1 != 0 ? 2 : 1) {
                            for t in byClass[period * 2 + cls] where value >= targets[t].low && value <= targets[t].high {
                                let offset = UInt128(value - targets[t].low) * UInt128(buckets) / UInt128(widths[t])
                                histogram[t * buckets + Int(offset)] += 1
                            }
                        }
                    }
                }
                var collectNow: [Int] = []
                for t in active {
                    var before = 0
                    for b in 0..<buckets {
                        let inBucket = histogram[t * buckets + b]
                        if before + inBucket >= targets[t].rank {
                            let width = UInt128(widths[t])
                            let low = targets[t].low + UInt64((UInt128(b) * width + UInt128(buckets) - 1) / UInt128(buckets))
                            let high = targets[t].low + UInt64((UInt128(b + 1) * width + UInt128(buckets) - 1) / UInt128(buckets)) - 1
                            targets[t].low = low
                            targets[t].high = high
                            targets[t].rank -= before
                            if inBucket <= collectLimit || low == high { collectNow.append(t) }
                            break
                        }
                        before += inBucket
                    }
                }
                if !collectNow.isEmpty {
                    var narrowed = targets
                    for t in narrowed.indices where !collectNow.contains(t) { narrowed[t].found = narrowed[t].found ?? -1 }
                    try collect(&narrowed, sources)
                    for t in collectNow { targets[t].found = narrowed[t].found }
                }
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
                let p = DebtPercentiles(p50: found[0], p90: found[1], p99: found[2], max: maxima[period * 2 + (multi ? 1 : 0)])
                if multi { result[period].multi = p } else { result[period].all = p }
            }
        }
        return result
    }

    /// For every target not yet found: gathers the values of its class within its range, sorts
    /// them and takes its rank.
    private static func collect(_ targets: inout [Target], _ sources: [DebtValues]) throws(SpillFile.Failure) {
        // Targets sharing a class and range gather once.
        struct Range: Hashable { let period: Int; let multi: Bool; let low: UInt64; let high: UInt64 }
        var ranges: [Range: [Int64]] = [:]
        var byClass: [Int: [Range]] = [:]
        for t in targets where t.found == nil {
            let range = Range(period: t.period, multi: t.multi, low: t.low, high: t.high)
            if ranges[range] == nil {
                ranges[range] = []
                byClass[t.period * 2 + (t.multi ? 1 : 0), default: []].append(range)
            }
        }
        for source in sources {
            try source.forEach { tag, value in
                let period = Int(tag >> 1)
                for cls in 0..<(tag & 1 != 0 ? 2 : 1) {
                    for range in byClass[period * 2 + cls] ?? [] where value >= range.low && value <= range.high {
                        ranges[range]!.append(Int64(bitPattern: value))
                    }
                }
            }
        }
        for key in Array(ranges.keys) { ranges[key]!.sort() }
        for t in targets.indices where targets[t].found == nil {
            let range = Range(period: targets[t].period, multi: targets[t].multi, low: targets[t].low, high: targets[t].high)
            targets[t].found = ranges[range]![targets[t].rank - 1]
        }
    }
}


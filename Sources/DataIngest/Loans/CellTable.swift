/// An open-addressing map from non-zero 64-bit keys to a count and a sum of cents: the parser's
/// per-thread accumulator. Written by hand because it is on the hot path (one update per loan);
/// a `Dictionary` of tuples costs several times as much per row.
struct CellTable {
    private(set) var keys: [UInt64]
    private(set) var counts: [Int]
    private(set) var sums: [Int64]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        counts = Array(repeating: 0, count: size)
        sums = Array(repeating: 0, count: size)
    }

    /// Adds one item of `cents` under `key` (any value; stored as key + 1 so 0 marks empty slots).
    @inline(__always)
    mutating func add(_ key: UInt64, cents: Int64, items: Int = 1) {
        let stored = key &+ 1
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (stored &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let current = keys[slot]
            if current == stored { break }
            if current == 0 {
                keys[slot] = stored
                count += 1
                if count * 2 > keys.count {
                    counts[slot] += items
                    sums[slot] += cents
                    grow()
                    return
                }
                break
            }
            slot = (slot + 1) & mask
        }
        counts[slot] += items
        sums[slot] += cents
    }

    private mutating func grow() {
        let old = (keys, counts, sums)
        self = CellTable(capacity: old.0.count)
        for i in 0..<old.0.count where old.0[i] != 0 { add(old.0[i] &- 1, cents: old.2[i], items: old.1[i]) }
    }

    func forEach(_ body: (UInt64, Int, Int64) -> Void) {
        for i in 0..<keys.count where keys[i] != 0 { body(keys[i] &- 1, counts[i], sums[i]) }
    }
}

/// Name hash → global id, for the few hundred platforms and banks a file names: open
/// addressing on the (already mixed) 64-bit hash, no `Hasher` on the hot path.
struct IDTable {
    private var keys = [UInt64](repeating: 0, count: 1024)
    private var ids = [Int](repeating: 0, count: 1024)
    private var count = 0

    @inline(__always)
    func find(_ hash: UInt64) -> Int? {
        let stored = hash | 1
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 20) & mask
        while true {
            let key = keys[slot]
            if key == stored { return ids[slot] }
            if key == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ hash: UInt64, _ id: Int) {
        if (count + 1) * 2 > keys.count {
            let old = (keys, ids)
            keys = Array(repeating: 0, count: old.0.count * 2)
            ids = Array(repeating: 0, count: old.0.count * 2)
            count = 0
            for i in 0..<old.0.count where old.0[i] != 0 { place(old.0[i], old.1[i]) }
        }
        place(hash | 1, id)
    }

    private mutating func place(_ stored: UInt64, _ id: Int) {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: stored >> 20) & mask
        while keys[slot] != 0 && keys[slot] != stored { slot = (slot + 1) & mask }
        if keys[slot] == 0 { count += 1 }
        keys[slot] = stored
        ids[slot] = id
    }
}

/// A thread's names (platforms or banks) by hash, with the last one seen checked first: most
/// rows repeat a recent name.
struct NameCache {
    private var table = IDTable()
    private var last: (hash: UInt64, id: Int) = (0, -1)

    @inline(__always)
    mutating func lookup(_ hash: UInt64) -> Int? {
        if hash == last.hash && last.id >= 0 { return last.id }
        guard let id = table.find(hash) else { return nil }
        last = (hash, id)
        return id
    }

    mutating func remember(_ hash: UInt64, _ id: Int) {
        table.insert(hash, id)
        last = (hash, id)
    }
}

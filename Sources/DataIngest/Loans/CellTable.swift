#if canImport(Glibc)
import Glibc
#endif
/// An open-addressing map from non-zero 64-bit keys to a count and a sum of cents: the parser's
/// per-thread accumulator. Written by hand because it is on the hot path (one update per loan);
/// a `Dictionary` of tuples costs several times as much per row.
struct CellTable {
    private(set) var keys: [UInt64]
    private(set) var counts: [Int]
    private(set) var sums: [Int64]
    private(set) var count = 0
    /// True once a sum passed the 64-bit range.
    private(set) var overflowed = false

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
                    addCents(slot, cents)
                    grow()
                    return
                }
                break
            }
            slot = (slot + 1) & mask
        }
        counts[slot] += items
        addCents(slot, cents)
    }

    @inline(__always)
    private mutating func addCents(_ slot: Int, _ cents: Int64) {
        let (sum, overflow) = sums[slot].addingReportingOverflow(cents)
        sums[slot] = sum
        if overflow { overflowed = true }
    }

    /// Makes room for `total` entries without growing on the way.
    mutating func reserve(_ total: Int) {
        guard total * 2 > keys.count else { return }
        let old = (keys, counts, sums)
        let wasOverflowed = overflowed
        self = CellTable(capacity: total)
        overflowed = wasOverflowed
        for i in 0..<old.0.count where old.0[i] != 0 { add(old.0[i] &- 1, cents: old.2[i], items: old.1[i]) }
    }

    /// Twice the slots: room for as many entries as there are slots now.
    private mutating func grow() { reserve(keys.count) }

    func forEach(_ body: (UInt64, Int, Int64) -> Void) {
        for i in 0..<keys.count where keys[i] != 0 { body(keys[i] &- 1, counts[i], sums[i]) }
    }
}

/// A thread's names (platforms or banks) → global id, looked up straight from the row's bytes.
///
/// A name of up to 16 bytes (most names in practice) is its own key: two masked words and the
/// length, compared exactly. A longer name's slot is chosen by its 64-bit hash, but equality is
/// decided by its bytes, kept in a side arena: a hash may choose the slot, never decide that two
/// names are one (a crafted pair of colliding names stays two names). Quoted and unquoted
/// spellings are told apart (the quoted one keeps its doubled quotes) and both map to the same
/// id through the name. Open addressing, at most half full. Written by hand because it is on the
/// hot path (two lookups per loan).
struct NameTable {
    /// Four words a slot: low, high, tag, id. The tag holds the length, quoted (bit 16), hashed
    /// (bit 17) and occupied (bit 18), so it is never 0 for a name. For a hashed (long) name, low is
    /// the hash and high the offset of its bytes in `longNames`.
    private var slots: UnsafeMutablePointer<UInt64>
    /// The bytes of every long name, one after another. A raw buffer, not an Array: the table is
    /// passed by value on the hot path, and an Array inside would cost a retain and a release a lookup.
    private var longNames: UnsafeMutablePointer<UInt8>
    private var longNamesCount = 0
    private var longNamesCapacity = 0
    private var mask = 255
    /// 64 − log2(slots): the slot is the top bits of the mixed key.
    private var shift: UInt64 = 56
    private var count = 0

    /// Per length 0–16: the masks that keep a name's bytes in its two words (a load each, instead
    /// of shifts and a compare on the hot path).
    private let masks: UnsafeMutablePointer<UInt64>

    init() {
        slots = .allocate(capacity: 256 * 4)
        slots.initialize(repeating: 0, count: 256 * 4)
        masks = .allocate(capacity: 34)
        longNames = .allocate(capacity: 1)
        for n in 0...16 {
            masks[n * 2] = n >= 8 ? UInt64.max : (1 << UInt64(8 * n)) - 1
            masks[n * 2 + 1] = n >= 16 ? UInt64.max : n <= 8 ? 0 : (1 << UInt64(8 * (n - 8))) - 1
        }
    }

    func release() {
        slots.deallocate()
        masks.deallocate()
        longNames.deallocate()
    }

    @inline(__always)
    private func key(_ p: UnsafePointer<UInt8>, _ n: Int, quoted: Bool) -> (low: UInt64, high: UInt64, tag: UInt64) {
        let tag = UInt64(truncatingIfNeeded: n) | (quoted ? 1 << 16 : 0) | 1 << 18
        guard n <= 16 else { return (LoanFields.hash(p, n), 0, tag | 1 << 17) }
        let raw = UnsafeRawPointer(p)
        // Names of 8 bytes or less mask the second word to nothing.
        let low = raw.loadUnaligned(as: UInt64.self) & masks[n &* 2]
        let high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & masks[n &* 2 &+ 1]
        return (low, high, tag)
    }

    @inline(__always)
    private static func slot(_ key: (low: UInt64, high: UInt64, tag: UInt64), _ shift: UInt64) -> Int {
        let mixed = (key.low ^ key.high &* 0x9E37_79B9_7F4A_7C15 ^ key.tag) &* 0xD6E8_FEB8_6659_FD93
        // The top bits (multiplicative hashing): every input bit reaches them.
        return Int(truncatingIfNeeded: mixed &>> shift)
    }

    /// The id of the name in the `n` bytes at `p` (n ≥ 1; 16 bytes there must be readable), if known.
    /// Names of up to 16 bytes (nearly all) stay on the short, inlined path; longer ones go out of line.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int, quoted: Bool) -> Int? {
        if n > 16 { return findLong(p, n, quoted: quoted) }
        let wanted = key(p, n, quoted: quoted)
        var slot = Self.slot(wanted, shift)
        while true {
            let stored = slots + slot &* 4
            if stored[2] == wanted.tag && stored[0] == wanted.low && stored[1] == wanted.high {
                return Int(truncatingIfNeeded: stored[3])
            }
            if stored[2] == 0 { return nil }
            slot = (slot &+ 1) & mask
        }
    }

    /// A long name: its hash chooses the slot, its bytes decide. Names past 1,024 bytes are never
    /// known (the parser refuses them), so a slot's 16-bit length always holds the whole length.
    @inline(never)
    private func findLong(_ p: UnsafePointer<UInt8>, _ n: Int, quoted: Bool) -> Int? {
        guard n <= 1_024 else { return nil }
        let wanted = key(p, n, quoted: quoted)
        var slot = Self.slot(wanted, shift)
        while true {
            let stored = slots + slot &* 4
            if stored[2] == wanted.tag && stored[0] == wanted.low && sameBytes(p, n, at: Int(truncatingIfNeeded: stored[1])) {
                return Int(truncatingIfNeeded: stored[3])
            }
            if stored[2] == 0 { return nil }
            slot = (slot &+ 1) & mask
        }
    }

    /// True when the `n` bytes at `p` are the long name stored at `offset`.
    private func sameBytes(_ p: UnsafePointer<UInt8>, _ n: Int, at offset: Int) -> Bool {
        memcmp(longNames + offset, p, n) == 0
    }

    /// Remembers a name (n ≥ 1) under its id. A name already known is not stored again.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, quoted: Bool, id: Int) {
        guard n <= 1_024, find(p, n, quoted: quoted) == nil else { return }
        if (count + 1) * 2 > mask + 1 {
            let (old, oldSize) = (slots, mask + 1)
            slots = .allocate(capacity: oldSize * 2 * 4)
            slots.initialize(repeating: 0, count: oldSize * 2 * 4)
            mask = oldSize * 2 - 1
            shift -= 1
            count = 0
            for i in 0..<oldSize where old[i * 4 + 2] != 0 {
                place((old[i * 4], old[i * 4 + 1], old[i * 4 + 2]), Int(truncatingIfNeeded: old[i * 4 + 3]))
            }
            old.deallocate()
        }
        var key = key(p, n, quoted: quoted)
        if n > 16 {
            // The slot keeps the hash (to choose and filter) and where the bytes are (to decide).
            if longNamesCount + n > longNamesCapacity {
                let capacity = max(4096, (longNamesCount + n) * 2)
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                grown.update(from: longNames, count: longNamesCount)
                longNames.deallocate()
                (longNames, longNamesCapacity) = (grown, capacity)
            }
            key.high = UInt64(longNamesCount)
            (longNames + longNamesCount).update(from: p, count: n)
            longNamesCount += n
        }
        place(key, id)
    }

    /// Puts a key in the first free slot from its home (the caller knows it is not there yet).
    private mutating func place(_ key: (low: UInt64, high: UInt64, tag: UInt64), _ id: Int) {
        var slot = Self.slot((key.low, key.tag & 1 << 17 != 0 ? 0 : key.high, key.tag), shift)
        while slots[slot * 4 + 2] != 0 {
            slot = (slot + 1) & mask
        }
        count += 1
        (slots[slot * 4], slots[slot * 4 + 1], slots[slot * 4 + 2], slots[slot * 4 + 3]) = (key.low, key.high, key.tag, UInt64(id))
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Makes the borrower table exact: the table keys a (period, borrower) pair by a 64-bit hash, and
/// this remembers, per key, the borrower's bytes and the period, so that two different pairs that
/// share a key (by chance, or crafted by an adversary) are noticed. Stacking is then reported as
/// unavailable, never computed with two borrowers merged into one. Each parsing thread keeps its
/// own (no locks on the hot path); the accumulator compares them after the parse.
/// - Complexity: O(1) expected a loan; memory: the distinct pairs' keys and bytes.
struct BorrowerIDs {
    /// Three words a slot: the key (0 = empty), the byte offset in `arena` with the length in the
    /// top 16 bits, and the period key.
    private var slots: [UInt64]
    private var mask: Int
    private var count = 0
    private(set) var arena: [UInt8] = []
    /// True once two different pairs shared a key.
    private(set) var collided = false

    init() {
        slots = [UInt64](repeating: 0, count: 1024 * 3)
        mask = 1023
    }

    /// Records the pair behind `key` (non-zero); notes a collision when the key already stands for
    /// another borrower or period.
    mutating func note(key: UInt64, period: UInt64, _ borrower: UnsafePointer<UInt8>, _ length: Int) {
        guard !collided else { return }
        // A slot keeps the length in 16 bits: a longer ID could not be compared whole, so it is
        // treated like a collision (stacking unavailable), never compared in part.
        guard length <= 0xFFFF else {
            collided = true
            return
        }
        var slot = Int(truncatingIfNeeded: key &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
        while slots[slot * 3] != 0 {
            if slots[slot * 3] == key {
                let packed = slots[slot * 3 + 1]
                let (offset, storedLength) = (Int(packed & 0xFFFF_FFFF_FFFF), Int(packed >> 48))
                let same = storedLength == length && slots[slot * 3 + 2] == period
                    && arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + offset, borrower, length) == 0 }
                if !same { collided = true }
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot * 3] = key
        slots[slot * 3 + 1] = UInt64(arena.count) | UInt64(length) << 48
        slots[slot * 3 + 2] = period
        arena.append(contentsOf: UnsafeBufferPointer(start: borrower, count: length))
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let old = slots
        mask = (mask + 1) * 2 - 1
        slots = [UInt64](repeating: 0, count: (mask + 1) * 3)
        for i in stride(from: 0, to: old.count, by: 3) where old[i] != 0 {
            var slot = Int(truncatingIfNeeded: old[i] &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
            while slots[slot * 3] != 0 { slot = (slot + 1) & mask }
            (slots[slot * 3], slots[slot * 3 + 1], slots[slot * 3 + 2]) = (old[i], old[i + 1], old[i + 2])
        }
    }

    /// Every pair: key, period and the borrower's bytes.
    func forEach(_ body: (UInt64, UInt64, ArraySlice<UInt8>) -> Void) {
        for i in stride(from: 0, to: slots.count, by: 3) where slots[i] != 0 {
            let offset = Int(slots[i + 1] & 0xFFFF_FFFF_FFFF), length = Int(slots[i + 1] >> 48)
            body(slots[i], slots[i + 2], arena[offset..<(offset + length)])
        }
    }
}

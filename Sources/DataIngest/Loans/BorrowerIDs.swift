#if canImport(Glibc)
import Glibc
#endif

/// Makes the borrower table exact: the table keys a (period, borrower) pair by a 64-bit hash, and
/// this remembers, per key, the borrower's bytes and the period, so that two different pairs that
/// share a key (by chance, or crafted by an adversary) are noticed. Stacking is then reported as
/// unavailable, never computed with two borrowers merged into one. Each parsing thread keeps its
/// own (no locks on the hot path); the accumulator compares them after the parse.
/// - Complexity: O(1) expected a loan; memory: two words a distinct pair, plus the IDs' bytes.
struct BorrowerIDs {
    /// Two words a slot: the key (0 = empty), then the byte offset in `arena` (32 bits), the
    /// length (16 bits) and the period key (16 bits).
    private var slots: [UInt64]
    private var mask: Int
    private var count = 0
    private(set) var arena: [UInt8] = []
    /// True once two different pairs shared a key, or an ID could not be kept whole.
    private(set) var collided = false

    init() {
        slots = [UInt64](repeating: 0, count: 1024 * 2)
        mask = 1023
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask }

    /// Records the pair behind `key` (non-zero); notes a collision when the key already stands for
    /// another borrower or period. `period` fits 16 bits (the borrower table's own limit).
    mutating func note(key: UInt64, period: UInt64, _ borrower: UnsafePointer<UInt8>, _ length: Int) {
        guard !collided else { return }
        // A slot keeps the length in 16 bits and the offset in 32: an ID that does not fit could not
        // be compared whole, so it counts as a collision (stacking unavailable), never compared in part.
        guard length <= 0xFFFF, period <= 0xFFFF, arena.count + length <= Int(UInt32.max) else {
            collided = true
            return
        }
        var slot = home(key)
        while slots[slot * 2] != 0 {
            if slots[slot * 2] == key {
                let packed = slots[slot * 2 + 1]
                let (offset, storedLength, storedPeriod) = (Int(packed & 0xFFFF_FFFF), Int(packed >> 32 & 0xFFFF), packed >> 48)
                let same = storedLength == length && storedPeriod == period
                    && arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + offset, borrower, length) == 0 }
                if !same { collided = true }
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot * 2] = key
        slots[slot * 2 + 1] = UInt64(arena.count) | UInt64(length) << 32 | period << 48
        arena.append(contentsOf: UnsafeBufferPointer(start: borrower, count: length))
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let old = slots
        mask = (mask + 1) * 2 - 1
        slots = [UInt64](repeating: 0, count: (mask + 1) * 2)
        for i in stride(from: 0, to: old.count, by: 2) where old[i] != 0 {
            var slot = home(old[i])
            while slots[slot * 2] != 0 { slot = (slot + 1) & mask }
            (slots[slot * 2], slots[slot * 2 + 1]) = (old[i], old[i + 1])
        }
    }

    /// True when this table holds `key` for another pair than (`period`, `bytes`).
    func conflicts(key: UInt64, period: UInt64, _ bytes: ArraySlice<UInt8>) -> Bool {
        var slot = home(key)
        while slots[slot * 2] != 0 {
            if slots[slot * 2] == key {
                let packed = slots[slot * 2 + 1]
                let offset = Int(packed & 0xFFFF_FFFF), length = Int(packed >> 32 & 0xFFFF)
                return packed >> 48 != period || arena[offset..<(offset + length)] != bytes
            }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Every pair: key, period and the borrower's bytes.
    func forEach(_ body: (UInt64, UInt64, ArraySlice<UInt8>) -> Void) {
        for i in stride(from: 0, to: slots.count, by: 2) where slots[i] != 0 {
            let packed = slots[i + 1]
            let offset = Int(packed & 0xFFFF_FFFF), length = Int(packed >> 32 & 0xFFFF)
            body(slots[i], packed >> 48, arena[offset..<(offset + length)])
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Distinct (period, borrower) pairs with the platforms each used and the amount borrowed,
/// shared by the parsing threads without locks (open addressing, compare-and-swap on the key).
///
/// Memory is fixed when the table is made: 24 bytes a slot, at most 2^20 slots (24 MiB).
/// It is exact up to 3/4 of its slots (786,432 pairs at the largest size); past that it stops
/// taking pairs and says so (`overflowed`), and stacking is reported as unavailable rather than
/// estimated. Two borrower IDs whose 64-bit hashes collide would count as one (for a million
/// borrowers the chance is about 3 in 10^8).
/// One loan's part in stacking, waiting in a batch.
struct BorrowerLoan {
    var key: UInt64
    var platformWord: UInt64
    var cents: Int64
}

final class BorrowerTable: @unchecked Sendable {
    static let maximumCapacity = 1 << 20
    /// A slot's platform word: one bit per platform below, the period key in the top 16 bits.
    static let platformBits = 48
    static let platformMask: UInt64 = (1 << 48) - 1

    let capacity: Int
    /// Three words a slot, side by side so that one cache miss finds them all: the key, the
    /// platform word and the cents (as a bit pattern).
    private let slots: UnsafeMutablePointer<Atomic<UInt64>>
    private let used = Atomic<Int>(0)
    private let full = Atomic<Bool>(false)
    private let amountsWrapped = Atomic<Bool>(false)

    init(expectedPairs: Int, enabled: Bool = true) {
        var capacity = enabled ? 1024 : 0
        while enabled && capacity < expectedPairs * 2 && capacity < Self.maximumCapacity { capacity <<= 1 }
        self.capacity = capacity
        // Zeroed by calloc: an atomic word's zero is all-zero bytes, and pages never touched (a
        // small file in a big table) cost no memory and no time.
        slots = UnsafeMutableRawPointer(calloc(max(1, capacity * 3), MemoryLayout<Atomic<UInt64>>.stride)!)
            .bindMemory(to: Atomic<UInt64>.self, capacity: capacity * 3)
    }

    deinit {
        free(slots)
    }

    var overflowed: Bool { full.load(ordering: .relaxed) }
    /// How many distinct pairs the table takes exactly: three quarters of its slots.
    var exactLimit: Int { capacity / 4 * 3 }
    /// True once a borrower's amount in a period passed the 64-bit range of cents.
    var amountsOverflowed: Bool { amountsWrapped.load(ordering: .relaxed) }

    /// The slot a key's search starts at.
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: key &* 0x9E37_79B9_7F4A_7C15 >> 1) & (capacity - 1)
    }

    /// Records a batch of loans (see `add`). The slots are first read one after another, so that
    /// their cache misses overlap instead of queueing, then updated.
    func add(_ batch: UnsafeMutableBufferPointer<BorrowerLoan>) {
        if full.load(ordering: .relaxed) { return }
        var touched: UInt64 = 0
        for loan in batch { touched |= slots[home(loan.key) * 3].load(ordering: .relaxed) }
        for loan in batch { add(key: loan.key, platformWord: loan.platformWord, amountCents: loan.cents) }
        // Keeps the reads: a value nobody uses could be optimised away.
        if touched == 1 { used.add(0, ordering: .relaxed) }
    }

    /// Records one loan: `key` (non-zero) hashes the period and borrower; `platformWord` holds the
    /// platform's bit and the period key (`periodKey << 48 | 1 << platform`).
    /// - Complexity: O(1) expected.
    func add(key: UInt64, platformWord: UInt64, amountCents: Int64) {
        // Full: stacking is unavailable, so the rest of the file costs nothing here.
        if full.load(ordering: .relaxed) { return }
        let mask = capacity - 1
        var slot = home(key)
        while true {
            let current = slots[slot * 3].load(ordering: .acquiring)
            if current == key { break }
            if current == 0 {
                if used.load(ordering: .relaxed) >= exactLimit {
                    full.store(true, ordering: .relaxed)
                    return
                }
                let (exchanged, found) = slots[slot * 3].compareExchange(expected: 0, desired: key, ordering: .acquiringAndReleasing)
                if exchanged {
                    used.add(1, ordering: .relaxed)
                    break
                }
                if found == key { break }
            }
            slot = (slot + 1) & mask
        }
        // A plain load first: the platform's bit is usually set already, and a locked OR is dear.
        if slots[slot * 3 + 1].load(ordering: .relaxed) & platformWord != platformWord {
            slots[slot * 3 + 1].bitwiseOr(platformWord, ordering: .relaxed)
        }
        // Amounts are never negative, so a sum that wrapped is smaller than before.
        let before = Int64(bitPattern: slots[slot * 3 + 2].wrappingAdd(UInt64(bitPattern: amountCents), ordering: .relaxed).oldValue)
        if before &+ amountCents < before { amountsWrapped.store(true, ordering: .relaxed) }
    }

    /// Every pair: its key, platform word and amount. Call after all threads have finished.
    func forEach(_ body: (UInt64, UInt64, Int64) -> Void) {
        for slot in 0..<capacity {
            let key = slots[slot * 3].load(ordering: .relaxed)
            if key != 0 {
                body(key, slots[slot * 3 + 1].load(ordering: .relaxed), Int64(bitPattern: slots[slot * 3 + 2].load(ordering: .relaxed)))
            }
        }
    }
}

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
    private let periodTooLate = Atomic<Bool>(false)

    init(expectedPairs: Int, enabled: Bool = true) {
        var capacity = enabled ? 1024 : 0
        while enabled && capacity < expectedPairs * 2 && capacity < Self.maximumCapacity { capacity <<= 1 }
        self.capacity = capacity
        // Zeroed by writing (an atomic word's zero is all-zero bytes), not left to calloc: a page
        // first read maps the shared zero page, and the first write then has to replace that
        // mapping on every core running the process (a TLB shootdown), which cost more than the
        // whole parse.
        // (Through Swift's allocator: the compiler turns malloc followed by a zeroing memset
        // back into calloc.)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, capacity * 3))
        words.initialize(repeating: 0, count: max(1, capacity * 3))
        slots = UnsafeMutableRawPointer(words).bindMemory(to: Atomic<UInt64>.self, capacity: capacity * 3)
    }

    deinit {
        UnsafeMutableRawPointer(slots).deallocate()
    }

    var overflowed: Bool { full.load(ordering: .relaxed) }
    /// The latest period key a platform word can hold (16 bits): month keys pass it after 5460.
    static let latestPeriodKey: UInt64 = (1 << 16) - 1
    /// True once a loan's period did not fit a platform word: stacking is then unavailable.
    var periodsOutOfRange: Bool { periodTooLate.load(ordering: .relaxed) }

    /// Stops the table for a loan whose period key does not fit (see `latestPeriodKey`).
    func rejectPeriod() {
        periodTooLate.store(true, ordering: .relaxed)
        full.store(true, ordering: .relaxed)
    }
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
    /// - Returns: a value made from the first reads, for the caller to keep, so that the compiler
    ///   cannot drop them as unused.
    @discardableResult
    func add(_ batch: UnsafeMutableBufferPointer<BorrowerLoan>) -> UInt64 {
        // Full: stacking is unavailable, so the rest of the file costs nothing here.
        if full.load(ordering: .relaxed) { return 0 }
        var touched: UInt64 = 0
        for loan in batch { touched |= slots[home(loan.key) * 3].load(ordering: .relaxed) }
        var inserted = 0
        for loan in batch where add(key: loan.key, platformWord: loan.platformWord, amountCents: loan.cents) { inserted += 1 }
        // The shared count is updated once a batch: a counter written by every thread on every new
        // pair would bounce between the cores' caches. The table may take a batch or so past the
        // limit before it is marked full; it is never more than the limit that is promised exact.
        if inserted > 0 && used.add(inserted, ordering: .relaxed).newValue >= exactLimit { full.store(true, ordering: .relaxed) }
        return touched
    }

    /// Records one loan: `key` (non-zero) hashes the period and borrower; `platformWord` holds the
    /// platform's bit and the period key (`periodKey << 48 | 1 << platform`). Returns true when
    /// the pair is new.
    /// - Complexity: O(1) expected.
    private func add(key: UInt64, platformWord: UInt64, amountCents: Int64) -> Bool {
        let mask = capacity - 1
        var slot = home(key)
        var isNew = false
        var probes = 0
        while true {
            let current = slots[slot * 3].load(ordering: .acquiring)
            if current == key { break }
            if current == 0 {
                let (exchanged, found) = slots[slot * 3].compareExchange(expected: 0, desired: key, ordering: .acquiringAndReleasing)
                if exchanged {
                    isNew = true
                    break
                }
                if found == key { break }
            }
            probes += 1
            if probes == capacity {
                // Every slot taken (only with very many threads past the limit): stop, never loop.
                full.store(true, ordering: .relaxed)
                return false
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
        return isNew
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

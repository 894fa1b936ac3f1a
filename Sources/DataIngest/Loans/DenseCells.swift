#if canImport(Glibc)
import Glibc
#endif

/// A thread's loans and cents per period × platform × bank, and cents per period × platform ×
/// status, in flat arrays indexed by small integers: one add is an index computation and two
/// stores, with no hashing and no probing.
///
/// Periods get slots in the order they are met; platform and bank ids are the accumulator's
/// (dense, from 0). The arrays grow by powers of two as ids and slots appear; past
/// `denseLimit` cells (a file naming thousands of banks) the rest goes to hash tables.
/// Written by hand because it is on the hot path (one update per loan).
struct DenseCells {
    static let denseLimit = 1 << 19

    private(set) var periodKeys: [UInt64] = []
    private var slotOfKey: [UInt64: Int] = [:]
    private var periodCapacity = 16
    private var platformShift = 4
    private var bankShift = 8
    // The same capacities as limits, so the hot check is three compares.
    private var platformLimit = 16
    private var bankLimit = 256
    /// Loans and cents, interleaved: [2i] loans, [2i + 1] cents.
    private var cells: UnsafeMutablePointer<Int64>
    /// Cents by status, 8 statuses a (period, platform).
    private var statuses: UnsafeMutablePointer<Int64>
    /// True once a sum passed the 64-bit range: the file's amounts are then not reported.
    private var denseOverflowed = false
    var sumOverflowed: Bool { denseOverflowed || overflowCells.overflowed || overflowStatuses.overflowed }
    /// Cells past the dense limit, keyed like `LoanAccumulator`'s.
    private(set) var overflowCells = CellTable(capacity: 16)
    private(set) var overflowStatuses = CellTable(capacity: 16)

    init() {
        cells = Self.zeroed(periodCapacity << (platformShift + bankShift) * 2)
        statuses = Self.zeroed(periodCapacity << platformShift * 8)
    }

    /// Zeroed by writing, not by `calloc`: cells are read before they are written, and a page
    /// first read maps the shared zero page, whose replacement at the first write stops every
    /// core running the process (a TLB shootdown).
    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<Int64> {
        // (Through Swift's allocator: the compiler turns malloc followed by a zeroing memset back
        // into calloc.)
        let pointer = UnsafeMutablePointer<Int64>.allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        return pointer
    }

    func release() {
        cells.deallocate()
        statuses.deallocate()
    }

    /// The slot of a period key, made on first sight.
    mutating func slot(forPeriod key: UInt64) -> Int {
        if let slot = slotOfKey[key] { return slot }
        periodKeys.append(key)
        slotOfKey[key] = periodKeys.count - 1
        return periodKeys.count - 1
    }

    /// One loan of `cents`.
    @inline(__always)
    mutating func add(slot: Int, platform: Int, bank: Int, status: Int, cents: Int64) {
        if slot >= periodCapacity || platform >= platformLimit || bank >= bankLimit {
            guard grow(slot: slot, platform: platform, bank: bank) else {
                addOverflow(slot: slot, platform: platform, bank: bank, status: status, cents: cents)
                return
            }
        }
        let row = slot &<< platformShift | platform
        let cell = (row &<< bankShift | bank) &* 2
        cells[cell] &+= 1
        let (sum, overflow) = cells[cell + 1].addingReportingOverflow(cents)
        let (statusSum, statusOverflow) = statuses[row &* 8 &+ status].addingReportingOverflow(cents)
        cells[cell + 1] = sum
        statuses[row &* 8 &+ status] = statusSum
        if overflow || statusOverflow { denseOverflowed = true }
    }

    @inline(never)
    private mutating func addOverflow(slot: Int, platform: Int, bank: Int, status: Int, cents: Int64) {
        let period = periodKeys[slot]
        overflowCells.add(period << 32 | UInt64(platform) << 16 | UInt64(bank), cents: cents)
        overflowStatuses.add(period << 32 | UInt64(platform) << 8 | UInt64(status), cents: cents)
    }

    /// Makes room for the indices, keeping what was added; false when that would pass the limit.
    @inline(never)
    private mutating func grow(slot: Int, platform: Int, bank: Int) -> Bool {
        var periods = periodCapacity, platformBits = platformShift, bankBits = bankShift
        while slot >= periods { periods <<= 1 }
        while platform >> platformBits != 0 { platformBits += 1 }
        while bank >> bankBits != 0 { bankBits += 1 }
        guard periods << (platformBits + bankBits) <= Self.denseLimit else { return false }
        let newCells = Self.zeroed(periods << (platformBits + bankBits) * 2)
        let newStatuses = Self.zeroed(periods << platformBits * 8)
        forEachDense { slot, platform, bank, loans, cents in
            let cell = ((slot << platformBits | platform) << bankBits | bank) * 2
            newCells[cell] = loans
            newCells[cell + 1] = cents
        }
        forEachDenseStatus { slot, platform, status, cents in
            newStatuses[(slot << platformBits | platform) * 8 + status] = cents
        }
        release()
        cells = newCells
        statuses = newStatuses
        (periodCapacity, platformShift, bankShift) = (periods, platformBits, bankBits)
        (platformLimit, bankLimit) = (1 << platformBits, 1 << bankBits)
        return true
    }

    private func forEachDense(_ body: (_ slot: Int, _ platform: Int, _ bank: Int, _ loans: Int64, _ cents: Int64) -> Void) {
        for slot in 0..<min(periodKeys.count, periodCapacity) {
            for platform in 0..<(1 << platformShift) {
                let row = (slot << platformShift | platform) << bankShift
                for bank in 0..<(1 << bankShift) where cells[(row | bank) * 2] != 0 {
                    body(slot, platform, bank, cells[(row | bank) * 2], cells[(row | bank) * 2 + 1])
                }
            }
        }
    }

    private func forEachDenseStatus(_ body: (_ slot: Int, _ platform: Int, _ status: Int, _ cents: Int64) -> Void) {
        for slot in 0..<min(periodKeys.count, periodCapacity) {
            for platform in 0..<(1 << platformShift) {
                for status in 0..<8 where statuses[(slot << platformShift | platform) * 8 + status] != 0 {
                    body(slot, platform, status, statuses[(slot << platformShift | platform) * 8 + status])
                }
            }
        }
    }

    /// How many cells have loans (one pass over the arrays).
    var cellCount: Int {
        var count = overflowCells.count
        forEachDense { _, _, _, _, _ in count += 1 }
        return count
    }

    /// Every cell with loans: (period key, platform, bank, loans, cents).
    func forEachCell(_ body: (UInt64, Int, Int, Int, Int64) -> Void) {
        forEachDense { slot, platform, bank, loans, cents in body(periodKeys[slot], platform, bank, Int(loans), cents) }
        overflowCells.forEach { key, loans, cents in body(key >> 32, Int(key >> 16 & 0xFFFF), Int(key & 0xFFFF), loans, cents) }
    }

    /// Every status amount: (period key, platform, status, cents).
    func forEachStatus(_ body: (UInt64, Int, Int, Int64) -> Void) {
        forEachDenseStatus { slot, platform, status, cents in body(periodKeys[slot], platform, status, cents) }
        overflowStatuses.forEach { key, _, cents in body(key >> 32, Int(key >> 8 & 0xFFFF), Int(key & 0xFF), cents) }
    }
}

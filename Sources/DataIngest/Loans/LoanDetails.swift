/// What a row adds beyond the aggregate, when over-indebtedness, pricing and co-funding are wanted.
struct LoanDetails {
    var term: Int
    /// `rate_apr` in billionths of one (0.2041 → 204,100,000).
    var rate: Int64
    /// `closed_on` as a day number; `Int.max` when open or not given.
    var closedOn: Int
    /// `platform_funded_cny` in fen; -1 when not given.
    var platformFunded: Int64

    /// The fast path's decoding: the common forms only, nil for anything else (the general
    /// path then checks the row and names what is wrong).
    @inline(__always)
    static func decode(borrowerLength: Int, cents: Int64, originDay: Int,
                       term: UnsafeMutablePointer<UInt8>, _ termLength: Int,
                       rate: UnsafeMutablePointer<UInt8>, _ rateLength: Int,
                       closed: UnsafeMutablePointer<UInt8>?, _ closedLength: Int,
                       funded: UnsafeMutablePointer<UInt8>?, _ fundedLength: Int) -> LoanDetails? {
        guard borrowerLength <= 0xFFFF, let days = LoanFields.term(term, termLength),
              let billionths = LoanFields.billionths(rate, rateLength) else { return nil }
        var details = LoanDetails(term: days, rate: billionths, closedOn: .max, platformFunded: -1)
        if let closed, closedLength > 0 {
            guard let civil = LoanFields.civil(closed, closedLength) else { return nil }
            details.closedOn = LoanFields.dayNumber(year: civil.year, month: civil.month, day: civil.day)
            guard details.closedOn >= originDay else { return nil }
        }
        if let funded, fundedLength > 0 {
            guard let value = LoanFields.cents(funded, fundedLength), value <= cents else { return nil }
            details.platformFunded = value
        }
        return details
    }
}

/// A thread's pricing and co-funding counts per period slot × platform: fen lent, fen above each
/// APR threshold, then co-funded loans and fen, those below the 30% floor (loans, fen), those of
/// them originated once the rule was in force (loans, fen), and the loans whose file states
/// `platform_funded_cny`. On raw memory: one update per loan on the parse's hot path; cells past
/// a dense limit (thousands of platforms × periods) go to a hash table instead.
struct TermCells {
    /// The columns besides the thresholds'.
    static let cofundingWidth = 8
    /// The most values the dense table holds (16 MiB).
    static let denseLimit = 1 << 21
    let width: Int
    private let thresholds: UnsafeMutablePointer<Int64>
    private let thresholdCount: Int
    private var values: UnsafeMutablePointer<Int64>
    private var platformCapacity = 16
    private var slotCapacity = 8
    private var sparse: [Int: [Int64]] = [:]
    private(set) var overflowed = false

    init(thresholds: [Int64]) {
        thresholdCount = thresholds.count
        width = thresholds.count + Self.cofundingWidth
        self.thresholds = .allocate(capacity: max(1, thresholds.count))
        self.thresholds.initialize(from: thresholds, count: thresholds.count)
        values = .allocate(capacity: slotCapacity * platformCapacity * width)
        values.initialize(repeating: 0, count: slotCapacity * platformCapacity * width)
    }

    func release() {
        thresholds.deallocate()
        values.deallocate()
    }

    @inline(__always)
    mutating func add(slot: Int, platform: Int, cents: Int64, rate: Int64, platformFunded: Int64, fundedStated: Bool,
                      ruleInForce: Bool) {
        if slot >= slotCapacity || platform >= platformCapacity {
            guard grow(slot: slot, platform: platform) else {
                addSparse(slot: slot, platform: platform, cents: cents, rate: rate, platformFunded: platformFunded,
                          fundedStated: fundedStated, ruleInForce: ruleInForce)
                return
            }
        }
        add(into: values + (slot &* platformCapacity &+ platform) &* width, cents: cents, rate: rate, platformFunded: platformFunded,
            fundedStated: fundedStated, ruleInForce: ruleInForce)
    }

    @inline(__always)
    private mutating func add(into cell: UnsafeMutablePointer<Int64>, cents: Int64, rate: Int64, platformFunded: Int64,
                              fundedStated: Bool, ruleInForce: Bool) {
        var wrapped = false
        (cell[0], wrapped) = cell[0].addingReportingOverflow(cents)
        if wrapped { overflowed = true }
        for index in 0..<thresholdCount where rate > thresholds[index] {
            (cell[1 &+ index], wrapped) = cell[1 &+ index].addingReportingOverflow(cents)
            if wrapped { overflowed = true }
        }
        let at = cell + (1 &+ thresholdCount)
        if fundedStated { at[6] &+= 1 }
        // Co-funded: both the platform and the bank put money in (0 < platform part < loan).
        guard platformFunded > 0, platformFunded < cents else { return }
        at[0] &+= 1
        (at[1], wrapped) = at[1].addingReportingOverflow(cents)
        if wrapped { overflowed = true }
        if CofundingFloor.isBelow(platformCents: platformFunded, loanCents: cents) {
            at[2] &+= 1
            (at[3], wrapped) = at[3].addingReportingOverflow(cents)
            if wrapped { overflowed = true }
            if ruleInForce {
                at[4] &+= 1
                (at[5], wrapped) = at[5].addingReportingOverflow(cents)
                if wrapped { overflowed = true }
            }
        }
    }

    @inline(never)
    private mutating func addSparse(slot: Int, platform: Int, cents: Int64, rate: Int64, platformFunded: Int64,
                                    fundedStated: Bool, ruleInForce: Bool) {
        var cell = sparse[slot << 16 | platform] ?? [Int64](repeating: 0, count: width)
        cell.withUnsafeMutableBufferPointer {
            add(into: $0.baseAddress!, cents: cents, rate: rate, platformFunded: platformFunded, fundedStated: fundedStated,
                ruleInForce: ruleInForce)
        }
        sparse[slot << 16 | platform] = cell
    }

    /// Makes room in the dense table; false when that would pass its limit.
    @inline(never)
    private mutating func grow(slot: Int, platform: Int) -> Bool {
        var slots = slotCapacity, platforms = platformCapacity
        while slot >= slots { slots *= 2 }
        while platform >= platforms { platforms *= 2 }
        guard slots * platforms * width <= Self.denseLimit else { return false }
        let grown = UnsafeMutablePointer<Int64>.allocate(capacity: slots * platforms * width)
        grown.initialize(repeating: 0, count: slots * platforms * width)
        for s in 0..<slotCapacity {
            for p in 0..<platformCapacity {
                (grown + (s * platforms + p) * width).update(from: values + (s * platformCapacity + p) * width, count: width)
            }
        }
        values.deallocate()
        (values, slotCapacity, platformCapacity) = (grown, slots, platforms)
        return true
    }

    /// Every (slot, platform) with counts, and its values.
    func forEach(_ body: (Int, Int, [Int64]) -> Void) {
        for s in 0..<slotCapacity {
            for p in 0..<platformCapacity {
                let cell = Array(UnsafeBufferPointer(start: values + (s * platformCapacity + p) * width, count: width))
                if cell.contains(where: { $0 != 0 }) { body(s, p, cell) }
            }
        }
        for (key, cell) in sparse { body(key >> 16, key & 0xFFFF, cell) }
    }
}

import MarketAnalytics

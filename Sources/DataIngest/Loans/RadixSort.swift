/// Least-significant-digit radix sort of 64-bit keys, a byte a pass, skipping the bytes in which
/// all keys agree. Written by hand because the standard library's sort goes through a comparison
/// closure per step: for the aggregate's 21,600 packed cell keys it cost 500 instructions a key,
/// more than parsing a row.
enum RadixSort {
    /// Sorts by the bits from `lowBit` up; the bits below are carried along, not compared (the
    /// keys must differ above them for the order to be total).
    static func sort(_ keys: inout [UInt64], from lowBit: UInt64 = 0) {
        guard keys.count > 1 else { return }
        var allOnes = UInt64.max, anyOnes: UInt64 = 0
        for key in keys { allOnes &= key; anyOnes |= key }
        let varying = (allOnes ^ anyOnes) >> lowBit
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for shift in stride(from: UInt64(0), to: 64 - lowBit, by: 8) where (varying >> shift) & 0xFF != 0 {
                let at = shift + lowBit
                for i in 0..<256 { counts[i] = 0 }
                keys.withUnsafeBufferPointer { source in
                    for key in source { counts[Int(truncatingIfNeeded: (key >> at) & 0xFF)] += 1 }
                    var total = 0
                    for i in 0..<256 { (counts[i], total) = (total, total + counts[i]) }
                    scratch.withUnsafeMutableBufferPointer { target in
                        for key in source {
                            let digit = Int(truncatingIfNeeded: (key >> at) & 0xFF)
                            target[counts[digit]] = key
                            counts[digit] += 1
                        }
                    }
                }
                swap(&keys, &scratch)
            }
        }
    }
}

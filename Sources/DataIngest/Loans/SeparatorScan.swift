#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Finds the bytes that end or complicate a field (comma, line feed, double quote) 64 bytes at a
/// time, as a bit set: bit i is set when byte i is one of them. The row loop then walks the set
/// bits instead of looking at every byte.
///
/// Written by hand because it is the innermost loop of the loan parser. On x86-64 it uses SSE2
/// (part of the x86-64 baseline, so no CPU check is needed): three byte compares and one
/// `pmovmskb` per 16 bytes. Elsewhere it falls back to word arithmetic on 8 bytes at a time.
enum SeparatorScan {
    /// The separator bits of the 64 bytes at `p` (all readable).
    @inline(__always)
    static func mask(_ p: UnsafeRawPointer) -> UInt64 {
        #if arch(x86_64)
        return vectorMask(p)
        #else
        return wordMask(p)
        #endif
    }

    #if arch(x86_64)
    @inline(__always)
    static func vectorMask(_ p: UnsafeRawPointer) -> UInt64 {
        let comma = _mm_set1_epi8(0x2C), lineFeed = _mm_set1_epi8(0x0A), quote = _mm_set1_epi8(0x22)
        @inline(__always)
        func lane(_ offset: Int) -> UInt64 {
            let bytes = _mm_loadu_si128((p + offset).assumingMemoryBound(to: __m128i.self))
            let hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, comma), _mm_cmpeq_epi8(bytes, lineFeed)),
                                    _mm_cmpeq_epi8(bytes, quote))
            return UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(hits)))
        }
        return lane(0) | lane(16) << 16 | lane(32) << 32 | lane(48) << 48
    }
    #endif

    /// The portable form: 0x80 in each matching byte of a word, then those eight bits gathered
    /// into one byte with a multiply (every partial product lands on its own bit, so no carries).
    @inline(__always)
    static func wordMask(_ p: UnsafeRawPointer) -> UInt64 {
        var result: UInt64 = 0
        for word in 0..<8 {
            let bytes = p.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
            let hits = bytesEqual(bytes, 0x2C2C_2C2C_2C2C_2C2C) | bytesEqual(bytes, 0x0A0A_0A0A_0A0A_0A0A)
                | bytesEqual(bytes, 0x2222_2222_2222_2222)
            result |= (((hits >> 7) &* 0x0102_0408_1020_4080) >> 56) << UInt64(word * 8)
        }
        return result
    }

    /// 0x80 in every byte of `word` that equals the byte repeated in `pattern`, exactly (no
    /// borrow between bytes, unlike the shorter `haszero` trick).
    @inline(__always)
    static func bytesEqual(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
    }
}

import MarketAnalytics
import TerminalText
#if canImport(Glibc)
import Glibc
#endif

/// One byte range of a loan file: rows end at line breaks, and a range owns the rows that start
/// inside it. A parsing thread runs many ranges in turn with its own `RowParser`, whose cells
/// and names carry over; what is counted per range (rows, lines, problems, first sightings) is
/// kept here so that lines can be numbered in file order afterwards.
final class RangeWorker: @unchecked Sendable {
    private let fd: Int32
    private let begin: Int64
    private let end: Int64
    private let alignToRow: Bool

    /// File offsets of the first row parsed and just past the last one.
    private(set) var startedAt: Int64 = 0
    private(set) var endedAt: Int64 = 0
    // The range's counts, filled in by `run(with:buffer:)`.
    private(set) var rows = 0
    /// Line breaks consumed between `startedAt` and `endedAt`.
    private(set) var lines = 0
    /// Lines relative to `startedAt` (1 = the first row).
    private(set) var problems: [LoanRowProblem] = []
    private(set) var firstSeen: [LoanNameSighting] = []
    private(set) var problemCount = 0

    init(fd: Int32, begin: Int64, end: Int64, alignToRow: Bool) {
        self.fd = fd
        self.begin = begin
        self.end = end
        self.alignToRow = alignToRow
    }

    /// Bytes read at a time; the buffer holds two reads, small enough to stay in the L2 cache.
    static let chunk = 1 << 18
    /// Bytes after the buffer that must be readable: the separator scan and the field decoders
    /// read whole words and blocks past the last row.
    static let slack = 64
    static let bufferSize = chunk * 2 + slack

    /// Parses the range into `parser` (its counts are reset first and taken afterwards), reading
    /// through `base`, a buffer of `bufferSize` bytes.
    func run(with parser: inout RowParser, buffer base: UnsafeMutablePointer<UInt8>) {
        parser.startRange()
        defer {
            (rows, lines, problems, firstSeen, problemCount) =
                (parser.rows, parser.lines, parser.problems, parser.firstSeen, parser.problemCount)
        }
        let capacity = Self.chunk * 2
        do {
            let lineFeed = UInt8(ascii: "\n")
            var filled = 0            // bytes in the buffer
            // A range after the first starts one byte early: if that byte is a line break, the row at
            // `begin` is this range's (the range before stops at rows starting at `begin` or later).
            var bufferOffset = alignToRow ? begin - 1 : begin  // file offset of base[0]
            var eof = false
            func fill() {
                if filled == capacity { return }
                let count = pread(fd, base + filled, capacity - filled, off_t(bufferOffset + Int64(filled)))
                if count <= 0 { eof = true } else { filled += count }
                (base + filled).initialize(repeating: 0, count: Self.slack)
            }
            fill()
            var row = 0
            if alignToRow {
                // Start at the first line break after `begin` (confirmed afterwards by the previous
                // range). A row longer than the buffer may cover `begin`: skip through it however
                // far it goes, never starting in its middle (its tail is not a row).
                while true {
                    if let newline = memchr(base, Int32(lineFeed), filled) {
                        row = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                        break
                    }
                    if eof { row = filled; break }
                    if filled == capacity {
                        bufferOffset += Int64(filled)
                        filled = 0
                    }
                    fill()
                }
            }
            startedAt = bufferOffset + Int64(row)
            while bufferOffset + Int64(row) < end {
                // The whole rows in the buffer: up to its last line feed.
                var complete = filled
                while complete > row && base[complete - 1] != lineFeed { complete -= 1 }
                if complete > row {
                    row = parser.parseRows(base, from: row, to: complete, stop: Int(min(end - bufferOffset, Int64(complete))))
                    continue
                }
                if eof {
                    // A last row without a line feed.
                    if row < filled { parser.process(base + row, filled - row, line: parser.lines + 1); parser.rows += 1 }
                    row = filled
                    break
                }
                // Keep the unfinished row at the front and read more behind it.
                if row > 0 {
                    memmove(base, base + row, filled - row)
                    filled -= row
                    bufferOffset += Int64(row)
                    row = 0
                }
                if filled == capacity {
                    // A row longer than the buffer: report it and skip to the next line break.
                    parser.problem(parser.lines + 1, "row longer than \(capacity) bytes")
                    bufferOffset += Int64(filled)
                    filled = 0
                    while !eof {
                        fill()
                        if let newline = memchr(base, Int32(lineFeed), filled) {
                            row = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                            parser.lines += 1
                            break
                        }
                        bufferOffset += Int64(filled)
                        filled = 0
                    }
                    continue
                }
                fill()
            }
            endedAt = bufferOffset + Int64(row)
        }
    }
}

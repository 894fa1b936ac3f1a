import MarketAnalytics
import TerminalText
#if canImport(Glibc)
import Glibc
#endif

/// Parses one byte range of a loan file on one thread: rows end at line breaks (found with
/// `memchr`), fields are split on bytes (quote-aware for commas), amounts become integer cents,
/// names are interned once, and results stay local until `commit()` (borrowers go straight to
/// the shared table). A range owns the rows that start inside it.
final class RangeWorker: @unchecked Sendable {
    private let fd: Int32
    private let columns: LoanColumns
    private let granularity: Period.Granularity
    private let accumulator: LoanAccumulator
    private let begin: Int64
    private let end: Int64
    private let alignToRow: Bool
    private let problemLimit: Int

    /// File offsets of the first row parsed and just past the last one.
    private(set) var startedAt: Int64 = 0
    private(set) var endedAt: Int64 = 0
    /// The rows' results, filled in by `run()`.
    /// Kept until `commit()` (or deinit) releases its storage.
    private var parsed: RowParser?
    var rows: Int { parsed?.rows ?? 0 }
    /// Line breaks consumed between `startedAt` and `endedAt`.
    var lines: Int { parsed?.lines ?? 0 }
    /// Lines relative to `startedAt` (1 = the first row).
    var problems: [LoanRowProblem] { parsed?.problems ?? [] }
    var firstSeen: [LoanNameSighting] { parsed?.firstSeen ?? [] }
    var problemCount: Int { parsed?.problemCount ?? 0 }

    init(fd: Int32, columns: LoanColumns, granularity: Period.Granularity, accumulator: LoanAccumulator,
         begin: Int64, end: Int64, alignToRow: Bool, problemLimit: Int) {
        self.fd = fd
        self.columns = columns
        self.granularity = granularity
        self.accumulator = accumulator
        self.begin = begin
        self.end = end
        self.alignToRow = alignToRow
        self.problemLimit = problemLimit
    }

    static let chunk = 1 << 20
    static let slack = 64

    func run() {
        // The hot state is a struct in a local variable: mutating a class's stored properties
        // costs a dynamic exclusivity check on every access.
        var parser = RowParser(columns: columns, granularity: granularity, accumulator: accumulator, problemLimit: problemLimit)
        // 64 bytes of slack after the buffer: the separator scan and the field decoders read whole
        // words and blocks past the last row.
        let capacity = Self.chunk * 2
        // Not zeroed as a whole (that alone is a pass over 2 MiB): only the slack after each fill.
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + Self.slack)
        defer { base.deallocate() }
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
                // Start at the first line break after `begin` (confirmed afterwards by the previous range).
                while true {
                    if let newline = (0..<filled).first(where: { base[$0] == lineFeed }) { row = newline + 1; break }
                    if eof || filled == capacity { row = filled; break }
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
        parsed = parser
    }

    deinit { parsed?.release() }

    /// Merges this range's results into the accumulator.
    func commit() {
        parsed?.merge()
    }

}

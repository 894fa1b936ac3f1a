import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces one column of a loan file (by default `borrower_id`) with each value's pseudonym,
/// streaming: rows are read in 1 MiB chunks and written as they come, every other byte as it was.
/// A quoted ID is pseudonymised by its value (`"B1"` and `B1` get the same pseudonym), as the
/// loan parser reads it. The output goes to a temporary file beside it, renamed into place at
/// the end: a reader never sees half a file, and nothing is written when a row is malformed.
public struct Pseudonymiser {
    public let key: PseudonymKey
    public let column: String

    public init(key: PseudonymKey, column: String = "borrower_id") {
        self.key = key
        self.column = column
    }

    /// Rows pseudonymised.
    @discardableResult
    public func run(input: String, output: String) throws(PseudonymFailure) -> Int {
        let fd = open(input, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: input, reason: String(cString: strerror(errno)).lowercased()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: input, reason: "not a regular file") }
        // A new file of our own: O_EXCL refuses one planted at the name (a symbolic link to a victim,
        // or stale bytes an open without truncation would leave at the end), and the name is random.
        var temporary = ""
        var sinkDescriptor: Int32 = -1
        for _ in 0..<16 where sinkDescriptor < 0 {
            temporary = output + ".lendscope-tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            sinkDescriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if sinkDescriptor < 0 && errno != EEXIST { break }
        }
        guard sinkDescriptor >= 0 else { throw .cannotWrite(path: output, reason: String(cString: strerror(errno)).lowercased()) }
        let sink = FileHandle(fileDescriptor: sinkDescriptor, closeOnDealloc: false)
        var finished = false
        defer {
            close(sinkDescriptor)
            if !finished { unlink(temporary) }
        }
        var pending: [UInt8] = []
        var out: [UInt8] = []
        out.reserveCapacity(1 << 21)
        var line = 0
        var index: Int?
        var fieldCount = 0
        var rows = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var fields: [Range<Int>] = []
        func flush() throws(PseudonymFailure) {
            do { try sink.write(contentsOf: out) } catch { throw .cannotWrite(path: output, reason: "\(error)") }
            out.removeAll(keepingCapacity: true)
        }
        func handle(_ row: ArraySlice<UInt8>) throws(PseudonymFailure) {
            line += 1
            var body = row
            let crlf = body.last == UInt8(ascii: "\r")
            if crlf { body = body.dropLast() }
            try Self.split(body, path: input, line: line, into: &fields)
            if index == nil {
                // The header: find the column by name (quoted or not, after a byte order mark).
                var names = fields.map { String(decoding: Self.value(body[$0]), as: UTF8.self) }
                if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
                guard let found = names.firstIndex(of: column) else {
                    throw .malformed(path: input, line: 1, column: 1, message: "no column named '\(column)' in the header")
                }
                // A second column of the name would go out in clear beside the pseudonyms.
                if let again = names[(found + 1)...].firstIndex(of: column) {
                    throw .malformed(path: input, line: 1, column: Self.characterColumn(body, fields[again].lowerBound),
                                     message: "column '\(column)' given twice in the header")
                }
                index = found
                fieldCount = fields.count
                out += row
                out.append(UInt8(ascii: "\n"))
                return
            }
            if body.isEmpty { out += row; out.append(UInt8(ascii: "\n")); return }
            guard fields.count == fieldCount else {
                throw .malformed(path: input, line: line, column: 1,
                                 message: "expected \(fieldCount) fields as in the header, found \(fields.count)")
            }
            let range = fields[index!]
            let id = Self.value(body[range])
            guard !id.isEmpty else {
                throw .malformed(path: input, line: line, column: Self.characterColumn(body, range.lowerBound),
                                 message: "column '\(column)': empty")
            }
            out += body[body.startIndex..<range.lowerBound]
            id.withUnsafeBytes { key.appendPseudonym(of: $0, to: &out) }
            out += body[range.upperBound...]
            if crlf { out.append(UInt8(ascii: "\r")) }
            out.append(UInt8(ascii: "\n"))
            rows += 1
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: input, reason: String(cString: strerror(errno)).lowercased())
            }
            if count == 0 { break }
            pending += chunk[0..<count]
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try handle(pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
            if pending.count > 1 << 20 {
                throw .malformed(path: input, line: line + 1, column: 1, message: "row longer than 1 MiB")
            }
            if out.count > 1 << 20 { try flush() }
        }
        if !pending.isEmpty { try handle(pending[...]) }
        guard index != nil else { throw .malformed(path: input, line: 1, column: 1, message: "file is empty: a header row is required") }
        try flush()
        do { try sink.synchronize() } catch { throw .cannotWrite(path: output, reason: "\(error)") }
        guard rename(temporary, output) == 0 else { throw .cannotWrite(path: output, reason: String(cString: strerror(errno)).lowercased()) }
        finished = true
        return rows
    }

    /// The fields of a row as byte ranges (a quoted field's range includes its quotes).
    /// The fields of a row into `fields` (reused from row to row: no allocation per row).
    static func split(_ row: ArraySlice<UInt8>, path: String, line: Int, into fields: inout [Range<Int>]) throws(PseudonymFailure) {
        fields.removeAll(keepingCapacity: true)
        var i = row.startIndex
        while true {
            let start = i
            if i < row.endIndex && row[i] == UInt8(ascii: "\"") {
                i += 1
                while true {
                    guard i < row.endIndex else {
                        throw .malformed(path: path, line: line, column: characterColumn(row, start), message: "unterminated quoted field")
                    }
                    if row[i] == UInt8(ascii: "\"") {
                        if i + 1 < row.endIndex && row[i + 1] == UInt8(ascii: "\"") { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                if i < row.endIndex && row[i] != UInt8(ascii: ",") {
                    throw .malformed(path: path, line: line, column: characterColumn(row, i), message: "text after a closing quote")
                }
            } else {
                while i < row.endIndex && row[i] != UInt8(ascii: ",") { i += 1 }
            }
            fields.append(start..<i)
            if i >= row.endIndex { break }
            i += 1
        }
    }

    /// A field's value: quotes removed and doubled quotes undone.
    static func value(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard field.first == UInt8(ascii: "\""), field.count >= 2 else { return field }
        var out: [UInt8] = []
        var i = field.startIndex + 1
        while i < field.endIndex - 1 {
            out.append(field[i])
            i += field[i] == UInt8(ascii: "\"") ? 2 : 1
        }
        return out[...]
    }

    static func characterColumn(_ row: ArraySlice<UInt8>, _ at: Int) -> Int {
        row[row.startIndex..<at].reduce(1) { $1 & 0xC0 != 0x80 ? $0 + 1 : $0 }
    }
}

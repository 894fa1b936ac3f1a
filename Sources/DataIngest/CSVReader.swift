/// A field of a CSV record with where it starts (the opening quote, for a quoted field).
public struct CSVField: Hashable, Sendable {
    public var value: String
    public var line: Int
    public var column: Int
    /// A quoted field's content starts one column after `column`, and each `"` in it took two.
    public var quoted: Bool = false
}

/// One record of a CSV file; `line` is the line it starts on.
public struct CSVRecord: Hashable, Sendable {
    public var fields: [CSVField]
    public var line: Int
}

/// An RFC 4180 reader that works on bytes, not `Character`s: a comma followed by a
/// combining accent would otherwise merge into one grapheme and vanish as a separator.
///
/// Accepts LF or CRLF line endings, an optional final line ending, one leading UTF-8 BOM,
/// quoted fields with doubled quotes and embedded CR, LF or CRLF (kept as they are).
/// Rejects, with position: invalid UTF-8, an unterminated quote (at the opening quote),
/// text after a closing quote, and a quote inside an unquoted field. Spaces are data.
public enum CSVReader {
    /// Parses all records. Blank lines (an empty line outside quotes) are skipped.
    ///
    /// - Complexity: O(n) in the byte count; one pass to validate UTF-8, one to split.
    public static func parse(_ bytes: [UInt8], path: String) throws(Diagnostic) -> [CSVRecord] {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        try validateUTF8(bytes, from: start, path: path)

        var records: [CSVRecord] = []
        var fields: [CSVField] = []
        var recordLine = 1
        var line = 1
        var column = 1
        var i = start
        let n = bytes.count

        @inline(__always) func advanceColumn(_ b: UInt8) {
            if b & 0xC0 != 0x80 { column += 1 }
        }

        while i < n {
            // At the start of a field.
            let fieldLine = line
            let fieldColumn = column
            if fields.isEmpty { recordLine = line }
            if bytes[i] == UInt8(ascii: "\"") {
                i += 1
                column += 1
                var value: [UInt8] = []
                var closed = false
                while i < n {
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") {
                        if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\"") {
                            value.append(b)
                            i += 2
                            column += 2
                            continue
                        }
                        i += 1
                        column += 1
                        closed = true
                        break
                    }
                    value.append(b)
                    i += 1
                    if b == UInt8(ascii: "\n") {
                        line += 1
                        column = 1
                    } else {
                        advanceColumn(b)
                    }
                }
                guard closed else {
                    throw Diagnostic(path: path, line: fieldLine, column: fieldColumn,
                                     message: "unterminated quoted field: the quote opened here is never closed")
                }
                fields.append(CSVField(value: String(decoding: value, as: UTF8.self), line: fieldLine, column: fieldColumn,
                                       quoted: true))
                // After a closing quote only a separator or the end of the record may follow.
                if i < n {
                    let b = bytes[i]
                    if b == UInt8(ascii: ",") {
                        i += 1
                        column += 1
                        if i == n { fields.append(CSVField(value: "", line: line, column: column)) }
                        continue
                    } else if b == UInt8(ascii: "\n") {
                        i += 1
                    } else if b == UInt8(ascii: "\r"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "\n") {
                        i += 2
                    } else if b == UInt8(ascii: "\r"), i + 1 == n {
                        i += 1
                    } else {
                        throw Diagnostic(path: path, line: line, column: column,
                                         message: "unexpected text after a closing quote (a field is either quoted whole or not at all)")
                    }
                }
                records.append(CSVRecord(fields: fields, line: recordLine))
                fields = []
                line += 1
                column = 1
                continue
            }
            // An unquoted field: up to a comma or the end of the line.
            let fieldStart = i
            while i < n {
                let b = bytes[i]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "\n") { break }
                if b == UInt8(ascii: "\r"), i + 1 == n || bytes[i + 1] == UInt8(ascii: "\n") { break }
                if b == UInt8(ascii: "\"") {
                    throw Diagnostic(path: path, line: line, column: column,
                                     message: "quote inside an unquoted field (quote the whole field and double the quote)")
                }
                advanceColumn(b)
                i += 1
            }
            let value = String(decoding: bytes[fieldStart..<i], as: UTF8.self)
            if i == n {
                if !(fields.isEmpty && value.isEmpty) {
                    fields.append(CSVField(value: value, line: fieldLine, column: fieldColumn))
                    records.append(CSVRecord(fields: fields, line: recordLine))
                }
                fields = []
                break
            }
            let b = bytes[i]
            if b == UInt8(ascii: ",") {
                fields.append(CSVField(value: value, line: fieldLine, column: fieldColumn))
                i += 1
                column += 1
                if i == n { fields.append(CSVField(value: "", line: line, column: column)) }
                continue
            }
            // End of line (LF or CRLF).
            i += b == UInt8(ascii: "\r") ? 2 : 1
            if fields.isEmpty && value.isEmpty {
                // A blank line: no record.
            } else {
                fields.append(CSVField(value: value, line: fieldLine, column: fieldColumn))
                records.append(CSVRecord(fields: fields, line: recordLine))
            }
            fields = []
            line += 1
            column = 1
        }
        if !fields.isEmpty { records.append(CSVRecord(fields: fields, line: recordLine)) }
        return records
    }

    /// Finds the first byte that is not valid UTF-8 and reports it by line, column and byte offset.
    static func validateUTF8(_ bytes: [UInt8], from start: Int, path: String) throws(Diagnostic) {
        var i = start
        var line = 1
        var lineStart = start
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = i + 1
                }
                i += 1
                continue
            }
            var length = 0
            var minimum: UInt32 = 0
            var scalar: UInt32 = 0
            switch b {
            case 0xC2...0xDF: length = 2; scalar = UInt32(b & 0x1F); minimum = 0x80
            case 0xE0...0xEF: length = 3; scalar = UInt32(b & 0x0F); minimum = 0x800
            case 0xF0...0xF4: length = 4; scalar = UInt32(b & 0x07); minimum = 0x10000
            default: length = 0
            }
            var valid = length > 0 && i + length <= n
            if valid {
                for k in 1..<length {
                    let c = bytes[i + k]
                    if c & 0xC0 != 0x80 { valid = false; break }
                    scalar = scalar << 6 | UInt32(c & 0x3F)
                }
            }
            if valid && (scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar)) { valid = false }
            if !valid {
                let column = bytes[lineStart..<i].reduce(1) { $1 & 0xC0 != 0x80 ? $0 + 1 : $0 }
                let hex = String(b, radix: 16, uppercase: true)
                throw Diagnostic(path: path, line: line, column: column,
                                 message: "invalid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) at byte offset \(i)")
            }
            i += length
        }
    }
}

import Testing
@testable import DataIngest

@Suite("CSV reader (RFC 4180, on bytes)")
struct CSVReaderTests {
    static func rows(_ text: String) throws -> [[String]] {
        try CSVReader.parse(Array(text.utf8), path: "t.csv").map { $0.fields.map(\.value) }
    }

    static func error(_ text: String) -> String? {
        do {
            _ = try CSVReader.parse(Array(text.utf8), path: "t.csv")
            return nil
        } catch {
            return error.description
        }
    }

    @Test("RFC 4180 edge cases", arguments: [
        ("a,b\n1,2", [["a", "b"], ["1", "2"]]),                       // final line ending optional
        ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),
        ("a,b,c\n,,\n", [["a", "b", "c"], ["", "", ""]]),             // empty fields
        ("a\n\"say \"\"hi\"\"\"\n", [["a"], ["say \"hi\""]]),          // doubled quotes
        ("a,b\n\"x\ny\",\"p\r\nq\"\n", [["a", "b"], ["x\ny", "p\r\nq"]]), // quoted LF and CRLF kept
        ("a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]]),                 // CRLF
        ("a, b \n 1,2 \n", [["a", " b "], [" 1", "2 "]]),             // spaces are data
        ("\u{FEFF}a\n1\n", [["a"], ["1"]]),                           // BOM stripped once
        ("\u{FEFF}\u{FEFF}a\n", [["\u{FEFF}a"]]),                     // only once
        ("a,b\n1,\n", [["a", "b"], ["1", ""]]),                       // trailing empty field
        ("a,b\n1,", [["a", "b"], ["1", ""]]),                         // trailing empty field at end of file
        ("a\n\n1\n", [["a"], ["1"]]),                                 // a blank line is no record
        ("a,\u{301}b\n", [["a", "\u{301}b"]]),                        // a comma before a combining accent still separates
    ])
    func edgeCases(text: String, expected: [[String]]) throws {
        #expect(try Self.rows(text) == expected)
    }

    @Test("text after a closing quote is an error at that text")
    func textAfterQuote() {
        #expect(Self.error("a,b\n\"x\"y,2\n") == "t.csv:2:4: unexpected text after a closing quote (a field is either quoted whole or not at all)")
    }

    @Test("a quote inside an unquoted field is an error at the quote")
    func quoteInField() {
        #expect(Self.error("a\nab\"c\n") == "t.csv:2:3: quote inside an unquoted field (quote the whole field and double the quote)")
    }

    @Test("an unterminated quote at end of file is an error at the opening quote")
    func unterminated() {
        #expect(Self.error("a,b\n1,\"open\n\nmore") == "t.csv:2:3: unterminated quoted field: the quote opened here is never closed")
    }

    @Test("fields know their line and column, counting characters, across quoted newlines")
    func positions() throws {
        let records = try CSVReader.parse(Array("a,b\n\"x\ny\",花呗,z\n".utf8), path: "t.csv")
        let fields = records[1].fields
        #expect(records[1].line == 2)
        #expect(fields.map(\.line) == [2, 3, 3])
        #expect(fields.map(\.column) == [1, 4, 7])
    }
}

import Crypto
import Foundation
import Testing
@testable import LoanSharing

/// Pseudonyms: HMAC-SHA256 against RFC 4231's published values, the file transform, the key file.
@Suite("Pseudonymised loan files")
struct PseudonymiserTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("HMAC-SHA256 gives RFC 4231's values (test cases 2 and 6, through swift-crypto)")
    func rfc4231() {
        // Test case 2: key "Jefe", data "what do ya want for nothing?".
        let code2 = HMAC<SHA256>.authenticationCode(for: Array("what do ya want for nothing?".utf8),
                                                    using: SymmetricKey(data: Array("Jefe".utf8)))
        #expect(PseudonymKey.hex(code2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a 131-byte key of 0xaa (longer than the block), a long message.
        let code6 = HMAC<SHA256>.authenticationCode(for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                                                    using: SymmetricKey(data: [UInt8](repeating: 0xAA, count: 131)))
        #expect(PseudonymKey.hex(code6) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        // And the key type computes the same: test case 6 again, through `pseudonym(of:)`.
        let key = try! PseudonymKey(bytes: [UInt8](repeating: 0xAA, count: 131))
        let id = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(id.withUnsafeBytes { key.pseudonym(of: $0) } == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-pseudo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("every borrower ID becomes its pseudonym, every other byte stays; quoted and bare IDs match; another key matches none")
    func transform() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/in.csv", output = folder + "/out.csv"
        let text = "loan_id,platform,bank,borrower_id,amount_cny\n"
            + "L1,Huabei,\"Bank, A\",B001,10.00\n"
            + "L2,JD,Bank B,\"B001\",20.00\r\n"
            + "L3,JD,Bank B,B002,30.00\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let key = try PseudonymKey(bytes: [UInt8](repeating: 7, count: 32))
        let rows = try Pseudonymiser(key: key).run(input: input, output: output)
        #expect(rows == 3)
        // Split on the bytes: a String keeps "\r\n" as one character.
        let lines = try Data(contentsOf: URL(fileURLWithPath: output)).split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let b001 = Array("B001".utf8).withUnsafeBytes { key.pseudonym(of: $0) }
        let b002 = Array("B002".utf8).withUnsafeBytes { key.pseudonym(of: $0) }
        #expect(lines[0] == "loan_id,platform,bank,borrower_id,amount_cny")
        #expect(lines[1] == "L1,Huabei,\"Bank, A\",\(b001),10.00")
        #expect(lines[2] == "L2,JD,Bank B,\(b001),20.00\r")
        #expect(lines[3] == "L3,JD,Bank B,\(b002),30.00")
        #expect(b001.count == 64 && b001 != b002)
        let other = try PseudonymKey(bytes: [UInt8](repeating: 8, count: 32))
        #expect(Array("B001".utf8).withUnsafeBytes { other.pseudonym(of: $0) } != b001)
    }

    @Test("a malformed row or a missing column is an error at its line and column, and nothing is written")
    func malformed() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try PseudonymKey(bytes: [UInt8](repeating: 7, count: 32))
        for (text, message) in [("loan_id,borrower_id\nL1,B1,extra\n", "in.csv:2:1: expected 2 fields as in the header, found 3"),
                                ("loan_id,borrower\nL1,B1\n", "in.csv:1:1: no column named 'borrower_id' in the header"),
                                ("loan_id,borrower_id\nL1,\"B1\n", "in.csv:2:4: unterminated quoted field"),
                                ("loan_id,borrower_id\nL1,\n", "in.csv:2:4: column 'borrower_id': empty"),
                                // A second ID column would go out in clear beside the pseudonyms.
                                ("loan_id,borrower_id,platform,borrower_id\nL1,B1,P,B1\n",
                                 "in.csv:1:30: column 'borrower_id' given twice in the header")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/in.csv"))
            #expect {
                try Pseudonymiser(key: key).run(input: folder + "/in.csv", output: folder + "/out.csv")
            } throws: { error in
                "\(error)".hasSuffix(message)
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["in.csv"])
        }
    }

    @Test("a key file readable by others, too short, or not a file is refused")
    func keyFile() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/key"
        try Data([UInt8](repeating: 1, count: 32) + [0x0A]).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect(throws: PseudonymFailure.exposedKey(path: path, mode: 0o644)) { try PseudonymKey.load(path) }
        for exposed: mode_t in [0o640, 0o620, 0o602, 0o604] {
            chmod(path, exposed)
            #expect(throws: PseudonymFailure.exposedKey(path: path, mode: Int(exposed))) { try PseudonymKey.load(path) }
        }
        chmod(path, 0o600)
        #expect(throws: Never.self) { try PseudonymKey.load(path) }
        chmod(path, 0o400)
        #expect(throws: Never.self) { try PseudonymKey.load(path) }
        chmod(path, 0o600)
        try Data([UInt8](repeating: 1, count: 31)).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        #expect { try PseudonymKey.load(path) } throws: { "\($0)".contains("at least 32") }
        #expect { try PseudonymKey.load(folder) } throws: { "\($0)".contains("not a regular file") }
    }

    @Test("a binary key is taken whole, a final 0x0A included; a text key's final line break is not part of it")
    func keyLineBreaks() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func pseudonym(_ bytes: [UInt8]) throws -> String {
            let path = folder + "/key"
            try? FileManager.default.removeItem(atPath: path)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            return try [UInt8]("B1".utf8).withUnsafeBytes { try PseudonymKey.load(path).pseudonym(of: $0) }
        }
        // 31 binary bytes then 0x0A: 32 bytes of key (the random key that used to be cut to 31).
        let binary = [UInt8](repeating: 0x9C, count: 31) + [0x0A]
        #expect(try pseudonym(binary) == (try [UInt8]("B1".utf8).withUnsafeBytes { try PseudonymKey(bytes: binary).pseudonym(of: $0) }))
        let text = [UInt8](String(repeating: "ab", count: 16).utf8)
        #expect(try pseudonym(text + [0x0A]) == (try pseudonym(text)))
        #expect(try pseudonym(text + [0x0D, 0x0A]) == (try pseudonym(text)))
    }
}

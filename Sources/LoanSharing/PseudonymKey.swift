import Crypto
import Foundation
import TerminalText
#if canImport(Glibc)
import Glibc
#endif

/// The shared secret every platform pseudonymises its borrowers with: read from a key file whose
/// permissions keep it private. A key its group or the world can read is refused: anyone who can read it can
/// recompute every pseudonym from a list of ID numbers.
public struct PseudonymKey {
    /// The fewest bytes a key may have (256 bits, HMAC-SHA256's block-size recommendation).
    public static let minimumBytes = 32

    let key: SymmetricKey
    /// HMAC keyed once: each pseudonym copies it (a value) and hashes only the ID, rather than
    /// deriving the padded key blocks again for every row.
    let keyed: HMAC<SHA256>

    public init(bytes: [UInt8]) throws(PseudonymFailure) {
        guard bytes.count >= Self.minimumBytes else {
            throw .weakKey("the key has \(bytes.count) bytes; at least \(Self.minimumBytes) are needed "
                           + "(for example: head -c 32 /dev/urandom > KEY; chmod 600 KEY)")
        }
        key = SymmetricKey(data: bytes)
        keyed = HMAC<SHA256>(key: key)
    }

    /// Reads a key file: a regular file, not readable or writable by its group or others, its bytes the key
    /// (one trailing line break of a text key ignored).
    public static func load(_ path: String) throws(PseudonymFailure) -> PseudonymKey {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno)).lowercased()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: path, reason: "not a regular file")
        }
        // A shared secret: refused when anyone but its owner can read or write it (group included:
        // a group is often wider than the few who may hold the key; `chmod 600`).
        if info.st_mode & 0o066 != 0 {
            throw .exposedKey(path: path, mode: Int(info.st_mode & 0o777))
        }
        guard info.st_size <= 4096 else { throw .unreadable(path: path, reason: "larger than 4 KiB: is this a key?") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count == bytes.count else { throw .unreadable(path: path, reason: "short read") }
        // A text key (hex, base64: printable ASCII) may end in a line break, which is not part of it;
        // a binary key is taken whole (32 random bytes end in 0x0A one time in 256).
        var text = bytes
        if text.last == UInt8(ascii: "\n") { text.removeLast() }
        if text.last == UInt8(ascii: "\r") { text.removeLast() }
        if text.count < bytes.count && text.allSatisfy({ (0x20...0x7E).contains($0) }) { bytes = text }
        return try PseudonymKey(bytes: bytes)
    }

    /// The pseudonym of an ID: HMAC-SHA256 of its bytes under the key, as 64 lower-case hex digits.
    public func pseudonym(of id: UnsafeRawBufferPointer) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: id, using: key)
        return Self.hex(code)
    }

    /// The same pseudonym, its 64 hex digits appended to `out` (the streaming path: no String).
    func appendPseudonym(of id: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var mac = keyed
        mac.update(data: id)
        let code = mac.finalize()
        code.withUnsafeBytes { bytes in
            for byte in bytes {
                out.append(Self.hexDigits[Int(byte >> 4)])
                out.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why pseudonymisation stopped: at a file's line and column where there is one.
public enum PseudonymFailure: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case exposedKey(path: String, mode: Int)
    case weakKey(String)
    case malformed(path: String, line: Int, column: Int, message: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return SafeText.sanitize("\(path):1:1: cannot read: \(reason)")
        case .exposedKey(let path, let mode):
            return SafeText.sanitize("\(path):1:1: the key file can be read or written by its group or others (mode \(String(mode, radix: 8))): "
                                     + "chmod 600 \(path)")
        case .weakKey(let message): return SafeText.sanitize(message)
        case .malformed(let path, let line, let column, let message): return SafeText.sanitize("\(path):\(line):\(column): \(message)")
        case .cannotWrite(let path, let reason): return SafeText.sanitize("\(path): cannot write: \(reason)")
        }
    }
}

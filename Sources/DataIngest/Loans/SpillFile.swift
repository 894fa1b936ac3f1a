import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary file for work that outgrows its memory budget, removed on every exit path: it is
/// unlinked the moment it is made and kept only as an open descriptor, so the kernel frees it
/// when the descriptor closes, whether the process finishes, fails, is interrupted or killed.
final class SpillFile: @unchecked Sendable {
    let fd: Int32
    /// Bytes written so far: the next write's offset.
    private(set) var size: Int64 = 0

    enum Failure: Error, Sendable, CustomStringConvertible {
        case cannotCreate(directory: String, reason: String)
        case cannotWrite(directory: String, reason: String)
        case cannotRead(reason: String)

        var description: String {
            switch self {
            case .cannotCreate(let directory, let reason):
                return "cannot make a temporary file in \(directory) (the temporary folder: --temp-dir, else $TMPDIR or /tmp): \(reason)"
            case .cannotWrite(let directory, let reason):
                return "cannot write temporary data in \(directory) (the temporary folder: --temp-dir, else $TMPDIR or /tmp): "
                    + "\(reason); nothing was changed"
            case .cannotRead(let reason):
                return "cannot read back temporary data: \(reason)"
            }
        }
    }

    let directory: String

    /// Makes the file in `directory` (mode 0600) and unlinks it at once.
    init(directory: String) throws(Failure) {
        self.directory = directory
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
            + Array("lendscope-spill-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw .cannotCreate(directory: directory, reason: String(cString: strerror(errno)).lowercased())
        }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `count` bytes; returns their offset.
    func append(_ bytes: UnsafeRawPointer, count: Int) throws(Failure) -> Int64 {
        let offset = size
        var done = 0
        while done < count {
            let written = pwrite(fd, bytes + done, count - done, off_t(offset + Int64(done)))
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(directory: directory, reason: String(cString: strerror(errno)).lowercased())
            }
            if written == 0 { throw .cannotWrite(directory: directory, reason: "no space left on device") }
            done += written
        }
        size += Int64(count)
        return offset
    }

    /// Reads `count` bytes at `offset` into `buffer`.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(Failure) {
        var done = 0
        while done < count {
            let got = pread(fd, buffer + done, count - done, off_t(offset + Int64(done)))
            if got < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(reason: String(cString: strerror(errno)).lowercased())
            }
            if got == 0 { throw .cannotRead(reason: "the temporary file ended early") }
            done += got
        }
    }

    /// The directory temporary files go to by default: `$TMPDIR`, else `/tmp`.
    static var defaultDirectory: String {
        if let value = ProcessInfo.processInfo.environment["TMPDIR"], !value.isEmpty { return value }
        return "/tmp"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with `read(2)`, never memory-mapping them: a file truncated by its
/// writer while mapped kills the reader with SIGBUS.
///
/// Only regular files are read (a symbolic link to one is fine): a FIFO would block the reader
/// for good and `/dev/zero` would fill memory, so the file is opened without blocking, checked
/// with `fstat`, and read up to a stated size.
enum FileBytes {
    /// The largest small data file read whole: 64 MiB (about a million balance rows; the sample's
    /// largest is under 1 MiB). Loan-level files are streamed and have no such limit.
    static let maximumSize = 64 << 20

    enum Failure: Error, Equatable {
        case missing
        case unreadable(String)
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func read(_ path: String, limit: Int = maximumSize) throws(Failure) -> [UInt8] {
        let fd = try openRegular(path)
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            if result.count > limit { throw .unreadable("larger than \(limit >> 20) MiB, the most a data file may be") }
        }
        return result
    }

    /// Opens a regular file for reading without ever blocking, or says what the name is instead.
    /// - Throws: `.missing` when nothing has the name; `.unreadable` for anything that cannot be
    ///   read as data (a FIFO, a device, a directory, a socket, a dangling symbolic link).
    static func openRegular(_ path: String) throws(Failure) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT {
                // A name that exists as a link to nothing is not an absent file: say so.
                var link = stat()
                if lstat(path, &link) == 0 { throw .unreadable("is a symbolic link to a file that does not exist") }
                throw .missing
            }
            throw .unreadable(String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreadable(reason)
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(fd)
            let what: String
            switch kind {
            case S_IFIFO: what = "a FIFO"
            case S_IFCHR: what = "a character device"
            case S_IFBLK: what = "a block device"
            case S_IFDIR: what = "a directory"
            case S_IFSOCK: what = "a socket"
            default: what = "not a file"
            }
            throw .unreadable("is \(what), not a regular file")
        }
        // Reads of a regular file never block; the flag only mattered for the open.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }
}

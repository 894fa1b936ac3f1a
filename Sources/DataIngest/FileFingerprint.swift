#if canImport(Glibc)
import Glibc
#endif

/// What identifies one version of a file without reading it: size, modification time and
/// inode (a rename replaces the inode, an in-place rewrite changes size or time).
public struct FileFingerprint: Hashable, Sendable {
    public let exists: Bool
    public let size: Int64
    /// Modification time in nanoseconds since the epoch.
    public let modified: Int64
    public let inode: UInt64

    public static let missing = FileFingerprint(exists: false, size: 0, modified: 0, inode: 0)

    public init(exists: Bool, size: Int64, modified: Int64, inode: UInt64) {
        self.exists = exists
        self.size = size
        self.modified = modified
        self.inode = inode
    }

    public static func of(_ path: String) -> FileFingerprint {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return FileFingerprint(exists: true, size: Int64(info.st_size),
                               modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                               inode: UInt64(info.st_ino))
    }
}

/// Wall-clock and monotonic time in the units the ingest code needs.
public enum Clock {
    /// Nanoseconds since the epoch (comparable with file modification times).
    public static func wallNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Monotonic nanoseconds, for durations and traces.
    public static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    static func sleep(nanoseconds: Int64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

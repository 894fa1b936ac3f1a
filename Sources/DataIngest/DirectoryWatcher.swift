#if canImport(Glibc)
import Glibc
#endif

/// Notices changes to a data directory's files: inotify events when the kernel offers them
/// (close-after-write, moved-to, create, delete and modify: producers save by rename or in
/// place), and a comparison of file fingerprints as the fallback and safety net.
public final class DirectoryWatcher {
    public let directory: DataDirectory
    /// The inotify descriptor to poll; nil when polling only.
    public private(set) var descriptor: Int32?
    private var lastSeen: [String: FileFingerprint]
    private var loansWatch: Int32 = -1

    /// - Parameter useInotify: false forces polling (`--no-inotify`).
    public init(directory: DataDirectory, useInotify: Bool = true) {
        self.directory = directory
        lastSeen = directory.fingerprints()
        guard useInotify else { return }
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY)
        guard inotify_add_watch(fd, directory.path, mask) >= 0 else {
            close(fd)
            return
        }
        // Loan files live one level down; a loans folder made later is caught by polling.
        loansWatch = inotify_add_watch(fd, directory.displayPath(DataDirectory.loansFolder), mask)
        descriptor = fd
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    /// Reads every pending inotify event.
    /// - Returns: true when one concerns a data file, or the queue overflowed (then anything may have changed).
    public func drainEvents() -> Bool {
        guard let fd = descriptor else { return false }
        var relevant = false
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var offset = 0
            let headerSize = MemoryLayout<inotify_event>.size
            while offset + headerSize <= count {
                let (mask, length, watch) = buffer.withUnsafeBytes { raw -> (UInt32, Int, Int32) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len), event.wd)
                }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { relevant = true }
                if length > 0 {
                    let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + length)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    if DataDirectory.dataFiles.contains(name) || name == DataDirectory.loansFolder { relevant = true }
                    if watch == loansWatch && name.hasSuffix(".csv") && !name.hasPrefix(".") { relevant = true }
                }
                offset += headerSize + length
            }
        }
        return relevant
    }

    /// Compares the files' fingerprints with the last ones seen (the polling path).
    /// - Returns: true when any file was created, deleted, replaced or rewritten since.
    public func pollForChanges() -> Bool {
        let now = directory.fingerprints()
        defer { lastSeen = now }
        return now != lastSeen
    }
}

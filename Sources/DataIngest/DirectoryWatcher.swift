#if canImport(Glibc)
import Glibc
#endif
import EngineJobs

/// Notices changes to a data directory's files: inotify events when the kernel offers them
/// (close-after-write, moved-to, create, delete and modify: producers save by rename or in
/// place), and a comparison of file fingerprints as the fallback and safety net.
public final class DirectoryWatcher {
    public let directory: DataDirectory
    /// The inotify descriptor to poll; nil when polling only.
    public private(set) var descriptor: Int32?
    private var lastSeen: [String: FileFingerprint]
    private var loansWatch: Int32 = -1
    /// Watches on `engine/` and its table folders: an engine job deletes and makes them again on
    /// every run, so they are added afresh on each poll (adding a watch twice is harmless).
    private var engineWatches = Set<Int32>()

    /// The directory's watch; -1 while it is not watched (deleted, moved away, not there yet).
    private var directoryWatch: Int32 = -1
    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY
                                     | IN_DELETE_SELF | IN_MOVE_SELF)

    /// - Parameter useInotify: false forces polling (`--no-inotify`).
    public init(directory: DataDirectory, useInotify: Bool = true) {
        self.directory = directory
        lastSeen = directory.fingerprints(listingParts: false)
        guard useInotify else { return }
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return }
        descriptor = fd
        _ = rearm()
    }

    /// Adds the watches that are missing: the directory (deleted and made again, or not there at
    /// start) and its loans folder (made later). Called on every poll, so inotify comes back with
    /// the directory instead of leaving the dashboard on polling for good.
    /// - Returns: true when a watch was added (the files may have changed meanwhile).
    private func rearm() -> Bool {
        guard let fd = descriptor else { return false }
        var added = false
        if directoryWatch < 0 {
            directoryWatch = inotify_add_watch(fd, directory.path, Self.mask)
            added = directoryWatch >= 0
        }
        if loansWatch < 0 && directoryWatch >= 0 {
            loansWatch = inotify_add_watch(fd, directory.displayPath(DataDirectory.loansFolder), Self.mask)
            added = added || loansWatch >= 0
        }
        if directoryWatch >= 0 && directory.hasEngineEntry {
            // engine/ (where CURRENT is renamed), and the tables being read (a part rewritten in place).
            let folders = [directory.displayPath(DataDirectory.engineFolder)] + directory.engineTableFolders()
            for folder in folders {
                let watch = inotify_add_watch(fd, folder, Self.mask)
                if watch >= 0 && engineWatches.insert(watch).inserted { added = true }
            }
        }
        return added
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
                // The folder itself went away or moved: forget its watch, so the next poll adds one
                // on the path again (a watch on a moved folder would follow the wrong one).
                if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                    if watch == directoryWatch {
                        if mask & UInt32(IN_MOVE_SELF) != 0 { inotify_rm_watch(fd, watch) }
                        directoryWatch = -1
                        relevant = true
                    }
                    if watch == loansWatch {
                        if mask & UInt32(IN_MOVE_SELF) != 0 { inotify_rm_watch(fd, watch) }
                        loansWatch = -1
                        relevant = true
                    }
                }
                if engineWatches.contains(watch) {
                    // Anything in engine/ may complete a table (a _SUCCESS, a renamed part, _JOB).
                    relevant = true
                    if mask & UInt32(IN_IGNORED) != 0 { engineWatches.remove(watch) }
                }
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
        let rearmed = rearm()
        let now = directory.fingerprints(listingParts: false)
        defer { lastSeen = now }
        return now != lastSeen || rearmed
    }

    /// True while the directory has an inotify watch (for tests and `--trace`).
    public var isWatchingDirectory: Bool { directoryWatch >= 0 }
}

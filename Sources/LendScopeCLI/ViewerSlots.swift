#if canImport(Glibc)
import Glibc
#endif

/// Places for concurrent viewers across separate connections: one lock file per place, held
/// with `flock` for the life of the process, so a crashed or killed viewer frees its place.
/// (sshd's MaxSessions counts sessions per connection, not per user, so it cannot do this.)
struct ViewerSlots {
    let directory: String
    let count: Int

    /// The default directory: private to this user.
    static func defaultDirectory() -> String {
        "/tmp/lendscope-viewers-\(getuid())"
    }

    /// Takes a free place. - Returns: its descriptor (keep it open), or nil when all are taken.
    func acquire() -> Int32? {
        mkdir(directory, 0o700)
        var info = stat()
        // Refuse a directory someone else owns or can write to: another user could hold our places.
        guard lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid(),
              info.st_mode & 0o022 == 0 else { return nil }
        for place in 0..<count {
            let fd = open("\(directory)/viewer-\(place).lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            close(fd)
        }
        return nil
    }
}

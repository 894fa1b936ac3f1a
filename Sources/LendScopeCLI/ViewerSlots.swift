#if canImport(Glibc)
import Glibc
#endif

/// Places for concurrent viewers across separate connections: one lock file per place, held
/// with `flock` for the life of the process, so a crashed or killed viewer frees its place.
/// (sshd's MaxSessions counts sessions per connection, not per user, so it cannot do this.)
///
/// The directory must be the account's own and private: in a world-writable place such as /tmp,
/// any local user could create it first and hold every place.
struct ViewerSlots {
    let directory: String
    let count: Int

    enum Outcome {
        /// A place: keep the descriptor open for the life of the process.
        case place(Int32)
        /// Every place is held by a running viewer.
        case full
        /// The directory cannot be trusted or used; the reason says why.
        case unusable(String)
    }

    /// The default directory, private to this account and never in a world-writable place:
    /// `$XDG_RUNTIME_DIR/lendscope-viewers`, else `$HOME/.lendscope-viewers` when the home is the
    /// account's own; nil when neither exists (pass `--viewer-dir`; `ssh-config` sets one up).
    static func defaultDirectory() -> String? {
        for (variable, leaf) in [("XDG_RUNTIME_DIR", "lendscope-viewers"), ("HOME", ".lendscope-viewers")] {
            guard let value = getenv(variable).map({ String(cString: $0) }), value.hasPrefix("/") else { continue }
            var info = stat()
            guard stat(value, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid(),
                  info.st_mode & 0o022 == 0 else { continue }
            return (value.hasSuffix("/") ? value : value + "/") + leaf
        }
        return nil
    }

    /// Takes a free place, or says why there is none.
    func acquire() -> Outcome {
        mkdir(directory, 0o700)
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            return .unusable("the viewer directory \(directory) cannot be created: \(String(cString: strerror(errno)).lowercased())")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            return .unusable("the viewer directory \(directory) is not a directory (a link or a file is refused)")
        }
        // Refuse a directory someone else owns or can write to: another user could hold our places.
        guard info.st_uid == getuid() else {
            return .unusable("the viewer directory \(directory) is owned by uid \(info.st_uid), not by this account (uid \(getuid())): refusing it")
        }
        guard info.st_mode & 0o022 == 0 else {
            return .unusable("the viewer directory \(directory) can be written by others (mode \(String(info.st_mode & 0o7777, radix: 8))): refusing it")
        }
        // Only a lock held by a running viewer means "taken"; a place file that cannot be opened
        // (a link, another owner's file, a folder without write permission) is a fault to name.
        var fault: String?
        for place in 0..<count {
            let path = "\(directory)/viewer-\(place).lock"
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                fault = fault ?? "the viewer place \(path) cannot be opened: \(String(cString: strerror(errno)).lowercased())"
                continue
            }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return .place(fd) }
            close(fd)
        }
        return fault.map { .unusable($0) } ?? .full
    }
}

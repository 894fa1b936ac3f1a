import DashboardUI
#if canImport(Glibc)
import Glibc
#endif

/// The libc calls the executable makes, in one place (signals, terminals, locale, time).
/// Written once before the handlers are installed, then only read by them.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

enum Platform {
    struct Locale {
        let isUTF8: Bool
    }

    /// `setlocale(LC_ALL, "")` first, so curses and wide characters follow the user's locale.
    static func setLocaleFromEnvironment() -> Locale {
        setlocale(LC_ALL, "")
        let codeset = nl_langinfo(Int32(CODESET)).map { String(cString: $0) } ?? ""
        return Locale(isUTF8: codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8")
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    static func clockTime() -> ClockTime {
        clockTime(at: epochSeconds())
    }

    /// The local wall-clock time of a moment given in seconds since the epoch.
    static func clockTime(at epochSeconds: Double) -> ClockTime {
        var now = time_t(epochSeconds.rounded(.down))
        var parts = tm()
        localtime_r(&now, &parts)
        return ClockTime(hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    /// Routes SIGINT, SIGTERM, SIGHUP and SIGWINCH into a pipe (the self-pipe pattern), so the event loop
    /// learns of them in `poll` and restores the terminal itself: the handler only writes one byte,
    /// which is async-signal-safe. SIGPIPE is ignored.
    /// - Returns: the pipe's read end.
    static func signalDescriptor() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return -1 }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        signalPipeWriteEnd = ends[1]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            var byte = UInt8(truncatingIfNeeded: number)
            _ = write(signalPipeWriteEnd, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        // SIGWINCH too: the loop owns resizes (curses never reads the keyboard, so it would never
        // hand out a KEY_RESIZE).
        for number in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaction(number, &action, nil) }
        return ends[0]
    }

    /// Ctrl-Z does nothing: a kiosk viewer must not get a shell back (none is there, but a stopped
    /// dashboard would hang the session). Called before curses starts, so curses keeps it.
    static func ignoreSuspend() {
        signal(SIGTSTP, SIG_IGN)
    }

    /// Ctrl-\ (SIGQUIT) does nothing in a kiosk either: it ends with q, a hang-up or its idle
    /// timeout. Called after curses starts (the crash-restore handlers cover SIGQUIT otherwise).
    static func ignoreQuit() {
        signal(SIGQUIT, SIG_IGN)
    }

    /// The numbers of the signals waiting on `fd`, oldest first.
    static func readSignals(_ fd: Int32) -> [Int32] {
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &bytes, bytes.count)
        return count > 0 ? bytes.prefix(count).map { Int32($0) } : []
    }

    enum Available {
        case bytes([UInt8])
        case endOfFile
        case nothing
    }

    /// What a readable descriptor holds now: its bytes (one read), its end, or nothing (EAGAIN, EINTR).
    static func readAvailable(_ fd: Int32) -> Available {
        var bytes = [UInt8](repeating: 0, count: 4_096)
        let count = read(fd, &bytes, bytes.count)
        if count > 0 { return .bytes(Array(bytes.prefix(count))) }
        return count == 0 ? .endOfFile : (errno == EAGAIN || errno == EINTR ? .nothing : .endOfFile)
    }

    /// What `poll` found on one descriptor.
    struct Readiness {
        var readable = false
        var hangUp = false
        /// A signal interrupted the wait (its number is in the signal pipe).
        var interrupted = false
    }

    /// Waits up to `milliseconds` for any descriptor. EINTR returns early, marked (the signal's
    /// number is then in the signal pipe).
    static func wait(_ descriptors: [Int32], milliseconds: Int32) -> [Readiness] {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let result = poll(&fds, nfds_t(fds.count), milliseconds)
        if result < 0 && errno == EINTR {
            return Array(repeating: Readiness(interrupted: true), count: descriptors.count)
        }
        guard result > 0 else { return Array(repeating: Readiness(), count: descriptors.count) }
        return fds.map { fd in
            Readiness(readable: fd.revents & Int16(POLLIN) != 0,
                      hangUp: fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0)
        }
    }

    /// Readable with nothing to read is end of file: the terminal is gone.
    static func isAtEndOfFile(_ fd: Int32) -> Bool {
        var available: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &available) == 0 && available == 0
    }

    /// Writes every byte to a descriptor, retrying interrupted writes.
    /// - Returns: nil when all was written, else the system's reason (a closed or full output).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno)).lowercased()
            }
            offset += written
        }
        return nil
    }

    static func epochSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

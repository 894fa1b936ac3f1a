import DashboardRuntime
import DataIngest
import Foundation

/// `--trace FILE`: one line per event with a monotonic timestamp in nanoseconds, so latencies
/// (file change → frame, key → frame) can be measured outside the program.
/// Events: file_event, reload_requested, parse_start, load_end (files read and parsed; the
/// analyses follow), parse_end, swap, reload_failed,
/// frame_flushed, key_read, key_frame_flushed.
final class Trace: LoopTrace {
    private let handle: FileHandle?

    init(path: String?) {
        guard let path else { handle = nil; return }
        FileManager.default.createFile(atPath: path, contents: nil)
        handle = FileHandle(forWritingAtPath: path)
    }

    var isEnabled: Bool { handle != nil }

    func record(_ event: String, at time: Int64, _ detail: String) {
        guard let handle else { return }
        handle.write(Data("\(time) \(event)\(detail.isEmpty ? "" : " " + detail)\n".utf8))
    }
}

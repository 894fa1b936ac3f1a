import Foundation

/// Where a run's tables live, and how a job names its run: the contract the jobs, the runner
/// and the reader share.
///
/// ```
/// OUTPUT/CURRENT                  the current run's id, replaced by a rename once a run is complete
/// OUTPUT/_JOB                     running <id> | done <id> | failed <id>: the latest attempt
/// OUTPUT/runs/<id>/manifest.json  what the run read and how (written after every table)
/// OUTPUT/runs/<id>/<table>/       part files, then _SUCCESS, then _RUN (the id)
/// ```
/// A reader resolves `CURRENT` once and reads that run only, so it never sees parts of two runs,
/// and a failed or running job leaves the last good run readable. A hand-made `engine/` of flat
/// `<table>/` folders still reads, with the same run checks on its `_RUN` files and manifest.
public enum RunLayout {
    public static let runsFolder = "runs"
    public static let pointerFile = "CURRENT"
    public static let manifestFile = "manifest.json"
    /// In each table folder: the id of the run that wrote it.
    public static let runMarker = "_RUN"
    /// The runner keeps this many complete runs (the current one and the one before, which a
    /// reader that resolved `CURRENT` just before a switch may still be reading).
    public static let runsKept = 2

    /// Letters, digits, `-` and `_`, 1 to 64 of them: an id that is safe as one path component.
    public static func isRunID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                                      || $0 == 0x2D || $0 == 0x5F }
    }

    /// `a/b` without a doubled slash.
    public static func join(_ parts: String...) -> String {
        parts.dropFirst().reduce(parts[0]) { $0.hasSuffix("/") ? $0 + $1 : $0 + "/" + $1 }
    }

    /// A line of the job the runner reads: `-- lendscope-job name=value`.
    static func directive(_ name: String, _ value: String) -> String { "-- lendscope-job \(name)=\(value)" }

    /// The folder an input names (the part before its first glob character, or the parent of a
    /// single file); nil for an input that is not a local or URI path with a folder.
    static func inputFolder(_ input: String) -> String? {
        var text = input
        let isFile = text.lowercased().hasSuffix(".csv") || text.lowercased().hasSuffix(".parquet")
        if let glob = text.firstIndex(where: { "*?[{".contains($0) }) {
            text = String(text[..<glob])
        } else if isFile {
            text = text.lastIndex(of: "/").map { String(text[...$0]) } ?? ""
        } else {
            // A folder named without its final slash is the folder itself.
            text += "/"
        }
        if !text.hasSuffix("/") { text = text.lastIndex(of: "/").map { String(text[...$0]) } ?? "" }
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    /// Money and rates: exact types only.
    static let exactColumns = ["amount_cny", "rate_apr", "platform_funded_cny"]
    static let dateColumns = ["originated", "closed_on"]
    static let exactTypeRule = "amounts and rates must be DECIMAL, an integer or text (a binary floating-point number cannot hold every cent)"
    static let dateTypeRule = "dates must be DATE or text YYYY-MM-DD (a timestamp is not a day)"
}

/// A random UUID's text in lower case.
enum UUIDText {
    static func random() -> String { UUID().uuidString.lowercased() }
}

/// Paths as an engine resolves them.
public enum EnginePaths {
    /// True for `scheme://…` (`s3a://`, `hdfs://`, `file://`).
    public static func hasScheme(_ text: String) -> Bool {
        guard let colon = text.range(of: "://") else { return false }
        let scheme = text[..<colon.lowerBound]
        guard let first = scheme.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+.-".unicodeScalars.contains($0)) }
    }

    /// A path with a scheme: a URI as given; a local path as an absolute `file://` URI (Spark
    /// would resolve a bare path against the cluster's default file system, HDFS on YARN).
    public static func withScheme(_ path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        if hasScheme(path) { return path }
        let absolute = path.hasPrefix("/") ? path : RunLayout.join(currentDirectory, path)
        return "file://" + absolute
    }
}

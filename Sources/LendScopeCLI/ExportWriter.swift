import DashboardUI
import Foundation

/// Writes an export's CSV and Markdown files, each atomically (temporary file, then rename),
/// so a reader never sees half a file.
struct ExportWriter {
    let directory: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// - Returns: the paths written, as the user would type them.
    func write(_ request: ExportRequest) throws -> [String] {
        var paths: [String] = []
        for (suffix, text) in [("csv", request.csv), ("md", request.markdown)] {
            let path = (directory.hasSuffix("/") ? directory : directory + "/") + request.stem + "." + suffix
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw Failure(description: "cannot write \(path): \((error as NSError).localizedDescription.lowercased())")
            }
            paths.append(path)
        }
        return paths
    }
}

import DashboardUI
import Foundation

/// Writes an export's files, each atomically (temporary file, then rename), so a reader never
/// sees half a file. The export directory is created when missing.
struct ExportWriter {
    let directory: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// - Returns: the paths written, as the user would type them.
    func write(_ request: ExportRequest) throws -> [String] {
        let folder = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Failure(description: "Cannot export: \(folder) exists and is not a directory.")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw Failure(description: "Cannot create the export directory \(folder): \(Self.reason(error)).")
            }
        }
        var paths: [String] = []
        for file in request.files {
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + file.name
            do {
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw Failure(description: "Cannot write \(path): \(Self.reason(error)).")
            }
            paths.append(path)
        }
        return paths
    }

    /// The underlying system error in words, without Foundation's framing.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
        return ns.localizedDescription.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

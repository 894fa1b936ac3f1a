import Crypto
import EngineJobs
import Foundation
import TerminalText

/// What a run's `manifest.json` says that a reader checks: which run it is, and the grouping the
/// job read (the SHA-256 of its platforms.csv, or none).
struct EngineManifest {
    let runID: String
    /// nil: the job read no grouping (every platform its own group).
    let groupingSHA256: String?
    let path: String
}

extension DataDirectory {
    /// The manifest of the tables being read; nil when there is none and none is required (flat
    /// hand-made tables without one).
    func readManifest(required: Bool) -> Result<EngineManifest?, Diagnostic> {
        let path = enginePath(RunLayout.manifestFile)
        guard FileBytes.exists(path) else {
            if required {
                return .failure(Diagnostic(path: path, line: 1, column: 1,
                                           message: "missing: a run named by engine/CURRENT has its manifest (the job writes it before CURRENT)"))
            }
            return .success(nil)
        }
        let bytes: [UInt8]
        do throws(FileBytes.Failure) {
            bytes = try FileBytes.read(path, limit: 64 << 20)
        } catch {
            return .failure(Diagnostic(path: path, line: 1, column: 1, message: "cannot be read"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            return .failure(Diagnostic(path: path, line: 1, column: 1, message: "is not a JSON object"))
        }
        guard let run = object["run_id"] as? String, RunLayout.isRunID(run) else {
            return .failure(Diagnostic(path: path, line: 1, column: 1, message: "has no run_id of letters, digits, '-' and '_'"))
        }
        let grouping = object["grouping_sha256"]
        guard grouping == nil || grouping is NSNull || (grouping as? String).map(Self.isSHA256) == true else {
            return .failure(Diagnostic(path: path, line: 1, column: 1, message: "grouping_sha256 is not 64 hexadecimal digits or null"))
        }
        guard object.keys.contains("grouping_sha256") else {
            return .failure(Diagnostic(path: path, line: 1, column: 1,
                                       message: "has no grouping_sha256: which grouping the tables were computed with is unknown"))
        }
        return .success(EngineManifest(runID: run, groupingSHA256: (grouping as? String)?.lowercased(), path: path))
    }

    /// Tables of two runs read together: every table's `_RUN` must name the one run (the
    /// pointer's, else the manifest's, else each other's).
    func runProblem(manifest: EngineManifest?, pointerRun: String?) -> Diagnostic? {
        if let pointerRun, let manifest, manifest.runID != pointerRun {
            return Diagnostic(path: manifest.path, line: 1, column: 1,
                              message: "is of run \(manifest.runID), but engine/CURRENT names run \(pointerRun)")
        }
        var expected = pointerRun ?? manifest?.runID
        var firstTable: String?
        for table in EngineTable.allCases {
            let marker = enginePath(table.rawValue + "/" + RunLayout.runMarker)
            guard FileBytes.exists(marker) else {
                if expected != nil && FileBytes.exists(enginePath(table.rawValue)) {
                    return Diagnostic(path: marker, line: 1, column: 1,
                                      message: "missing: a table of run \(expected!) says which run wrote it")
                }
                continue
            }
            let text: String
            do throws(FileBytes.Failure) {
                text = String(decoding: try FileBytes.read(marker, limit: 256), as: UTF8.self)
            } catch {
                return Diagnostic(path: marker, line: 1, column: 1, message: "cannot be read")
            }
            let run = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let expected, run != expected {
                let other = firstTable.map { "engine/\($0) is of" } ?? (pointerRun != nil ? "engine/CURRENT names" : "the manifest is of")
                return Diagnostic(path: marker, line: 1, column: 1,
                                  message: "tables of two runs: this one is of run \(SafeText.sanitize(String(run.prefix(64)))), "
                                      + "but \(other) run \(expected)")
            }
            expected = run
            if firstTable == nil { firstTable = table.rawValue }
        }
        return nil
    }

    /// The tables were computed with another grouping than this directory's `platforms.csv`:
    /// their groups' figures are not this directory's groups'.
    func groupingProblem(_ manifest: EngineManifest, groupingBytes: [UInt8]?) -> Diagnostic? {
        let here = groupingBytes.map { SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined() }
        guard here != manifest.groupingSHA256 else { return nil }
        func words(_ sha: String?) -> String { sha.map { "platforms.csv SHA-256 \($0.prefix(12))…" } ?? "no platforms.csv (every platform its own group)" }
        return Diagnostic(path: manifest.path, line: 1, column: 1,
                          message: "engine/ was computed with another grouping (\(words(manifest.groupingSHA256))) than this "
                              + "directory's (\(words(here))): run the job again with \(Self.platformsFile) of this directory")
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }
}

/// The platform → group map of a `platforms.csv` read on its own (for `lendscope aggregate
/// --platforms`), with the same checks as in a data directory.
public enum PlatformGroups {
    /// - Throws: `IngestFailure` with every problem, at its file, line and column.
    public static func read(_ path: String) throws(IngestFailure) -> [String: String] {
        let bytes: [UInt8]
        do throws(FileBytes.Failure) {
            bytes = try FileBytes.read(path)
        } catch {
            switch error {
            case .missing: throw IngestFailure([Diagnostic(path: path, line: 1, column: 1, message: "no such file")])
            case .unreadable(let reason): throw IngestFailure([Diagnostic(path: path, line: 1, column: 1, message: reason)])
            }
        }
        var diagnostics: [Diagnostic] = []
        var map: [String: String] = [:]
        let table: CSVTable
        do throws(Diagnostic) {
            table = try CSVTable(bytes: bytes, path: path, diagnostics: &diagnostics)
        } catch {
            throw IngestFailure([error])
        }
        guard table.require(["platform", "group"], diagnostics: &diagnostics) else { throw IngestFailure(diagnostics) }
        for row in table.rows {
            do throws(Diagnostic) {
                let platform = try table.name(row, "platform"), group = try table.name(row, "group")
                if map[platform] != nil, let field = table.field(row, "platform") {
                    diagnostics.append(table.diagnostic(field, "platform '\(platform)' is listed twice"))
                }
                map[platform] = group
            } catch {
                diagnostics.append(error)
            }
        }
        if !diagnostics.isEmpty { throw IngestFailure(diagnostics.sorted()) }
        return map
    }
}

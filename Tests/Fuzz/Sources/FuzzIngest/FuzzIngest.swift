import DataIngest

/// One fuzz input: bytes that the CSV reader and the validator must survive without a crash,
/// and whose diagnostics must always carry a real position. A 0x1E byte splits the input into
/// balances.csv and market.csv, so cross-file rules are exercised too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count > 0 ? Array(UnsafeRawBufferPointer(start: start, count: count)) : []
    do {
        let records = try CSVReader.parse(bytes, path: "fuzz.csv")
        for record in records {
            precondition(record.line >= 1 && record.fields.allSatisfy { $0.line >= 1 && $0.column >= 1 })
        }
    } catch {
        precondition(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
    }
    let parts = bytes.split(separator: 0x1E, maxSplits: 1, omittingEmptySubsequences: false)
    var sources = ["balances.csv": Array(parts[0])]
    if parts.count > 1 { sources["market.csv"] = Array(parts[1]) }
    do {
        _ = try DatasetValidator(directory: DataDirectory(path: "fuzz"), sources: sources).validate()
    } catch {
        precondition(!error.diagnostics.isEmpty)
        for diagnostic in error.diagnostics {
            precondition(diagnostic.line >= 1 && diagnostic.column >= 1 && diagnostic.path.hasPrefix("fuzz/"))
        }
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<Target>_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzIngest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzz)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

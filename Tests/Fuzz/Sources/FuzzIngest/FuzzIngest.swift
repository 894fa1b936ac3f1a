import Foundation
import FuzzDriver
@testable import DataIngest

/// One fuzz input: bytes that the CSV reader and the validator must survive without a crash,
/// and whose diagnostics must always carry a real position. A 0x1E byte splits the input into
/// balances.csv and market.csv, so cross-file rules are exercised too. The same bytes are also
/// a loan file (see `fuzzLoans`).
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
    fuzzLoans(bytes)
    return 0
}

let loanPath = FileManager.default.temporaryDirectory.appendingPathComponent("lendscope-fuzz-\(getpid()).csv").path
let loanHeader = Array("loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n".utf8)

/// The bytes as a loan file (after the documented header when the first byte is even): the fast
/// path, split into small ranges on two threads, must give exactly what the general path gives
/// on one thread, and neither may crash or read out of bounds (AddressSanitizer).
func fuzzLoans(_ bytes: [UInt8]) {
    let file = (bytes.first ?? 0) & 1 == 0 ? loanHeader + bytes : bytes
    FileManager.default.createFile(atPath: loanPath, contents: Data(file))
    func run(fastPath: Bool) -> String {
        let accumulator = LoanAccumulator(granularity: .month, expectedRows: 64)
        let parser = LoanFileParser(granularity: .month, threads: fastPath ? 2 : 1, problemLimit: 1_000,
                                    rangeBytes: fastPath ? 1 + Int(bytes.first ?? 0) % 97 : 1 << 20, fastPath: fastPath)
        do {
            let result = try parser.parse(path: loanPath, into: accumulator)
            let cells = accumulator.originations.map { "\($0.period) \($0.platform) \($0.bank) \($0.loans) \($0.cents)" }
            let stacking = accumulator.figures { $0 }.stacking.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            return "\(cells) \(stacking) rows \(result.rows) lines \(result.lines) problems \(result.problemCount) \(result.problems)"
        } catch {
            return "\(error)"
        }
    }
    let fast = run(fastPath: true), general = run(fastPath: false)
    if fast != general {
        print("fast path:    \(fast)\ngeneral path: \(general)")
        preconditionFailure("the fast path and the general path disagree")
    }
}

/// SwiftPM links an executable's entry point as `<Target>_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzIngest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

import DataIngest
import Foundation
import MarketAnalytics

/// Inline data directories: file name → contents, validated without touching the disk.
enum Fixture {
    static let balances = """
        period,platform,bank,balance_cny_bn,flag,source
        2020Q1,Huabei,Bank A,10,S,report
        2020Q1,Jiebei,Bank B,5.5,E,
        2020Q2,Huabei,Bank A,12,S,report

        """

    static func validate(_ files: [String: String], directory: String = "data") -> Result<MarketDataset, IngestFailure> {
        let sources = files.mapValues { Array($0.utf8) }
        return validateBytes(sources, directory: directory)
    }

    static func validateBytes(_ sources: [String: [UInt8]], directory: String = "data") -> Result<MarketDataset, IngestFailure> {
        do {
            return .success(try DatasetValidator(directory: DataDirectory(path: directory), sources: sources).validate())
        } catch {
            return .failure(error)
        }
    }

    /// The diagnostics as printed, or an empty list when the data are valid.
    static func problems(_ files: [String: String]) -> [String] {
        switch validate(files) {
        case .success: return []
        case .failure(let failure): return failure.diagnostics.map(\.description)
        }
    }

    /// The package root, found from this file's path, so tests can read `sample-data/`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

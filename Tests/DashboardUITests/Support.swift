import DataIngest
import Foundation
import MarketAnalytics
import Testing
@testable import DashboardUI

enum Support {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The sample data set, loaded once per process.
    static let sampleDataset: MarketDataset = {
        try! DataDirectory(path: packageRoot.appendingPathComponent("sample-data").path).load()
    }()

    static let noon = ClockTime(hour: 12, minute: 0, second: 0)

    static func sampleState(width: Int = 80, height: Int = 24, options: DisplayOptions = DisplayOptions()) -> DashboardState {
        var state = DashboardState(width: width, height: height, options: options)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: sampleDataset, directory: "sample-data", loadedAt: noon)))
        return state
    }

    /// A tiny market: three groups in two quarters, one of them with a CJK name.
    static func smallDataset() -> MarketDataset {
        let q1 = Period("2020Q1")!, q2 = Period("2020Q2")!
        return MarketDataset(
            balances: [
                BalanceRecord(period: q1, platform: "Huabei", bank: "B", balanceCNY: 200e9, provenance: .estimated),
                BalanceRecord(period: q1, platform: "微粒贷", bank: "B", balanceCNY: 100e9),
                BalanceRecord(period: q1, platform: "JD", bank: "B", balanceCNY: 50e9, provenance: .recalled),
                BalanceRecord(period: q2, platform: "Huabei", bank: "B", balanceCNY: 300e9, provenance: .estimated),
                BalanceRecord(period: q2, platform: "微粒贷", bank: "B", balanceCNY: 60e9),
                BalanceRecord(period: q2, platform: "JD", bank: "B", balanceCNY: 80e9, provenance: .recalled),
            ],
            marketTotals: [
                MarketTotal(period: q1, definition: "narrow", totalCNY: 1_000e9),
                MarketTotal(period: q2, definition: "narrow", totalCNY: 1_000e9),
                MarketTotal(period: q2, definition: "wide", totalCNY: 2_000e9),
            ],
            exchangeRates: [ExchangeRate(date: CalendarDate(iso: "2020-06-30")!, usdCNY: 8, basis: "period end")],
            groupOfPlatform: ["Huabei": "Ant Group", "微粒贷": "WeBank 微众", "JD": "JD"]
        )
    }

    static func smallState(width: Int = 80, height: Int = 24, options: DisplayOptions = DisplayOptions()) -> DashboardState {
        var state = DashboardState(width: width, height: height, options: options)
        _ = state.apply(.snapshotLoaded(Snapshot(dataset: smallDataset(), directory: "data", loadedAt: noon)))
        return state
    }

    /// Compares a rendered screen with a stored text snapshot; `RECORD=1 swift test` rewrites them.
    static func expectSnapshot(_ lines: [String], named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = packageRoot.appendingPathComponent("Tests/DashboardUITests/Snapshots/\(name).txt")
        let text = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["RECORD"] == "1" {
            try Data(text.utf8).write(to: url)
            return
        }
        guard let stored = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing snapshot \(name).txt: run RECORD=1 swift test and review it", sourceLocation: sourceLocation)
            return
        }
        let expected = stored.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines == expected, "screen differs from \(name).txt", sourceLocation: sourceLocation)
    }
}

extension DashboardState {
    /// Applies an action as the event loop would, performing `.analyze` effects on the spot (the
    /// loop asks the reload worker; here the analyses are computed inline) — an embedded loop for tests.
    @discardableResult
    mutating func send(_ action: Action) -> Effect {
        var effect = apply(action)
        while case .analyze(let key) = effect, let snapshot {
            effect = apply(.snapshotLoaded(Snapshot(dataset: snapshot.dataset, directory: snapshot.directory,
                                                    loadedAt: snapshot.loadedAt, loadedEpochSeconds: snapshot.loadedEpochSeconds,
                                                    version: snapshot.version, key: key)))
        }
        return effect
    }
}

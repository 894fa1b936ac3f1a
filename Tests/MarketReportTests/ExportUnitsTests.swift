import DataIngest
import Foundation
import MarketAnalytics
import Testing
@testable import MarketReport

/// CSV files say their units and hold values in them: parsed back and checked against the JSON
/// report (yuan, fractions), so the screen, the files and JSON cannot drift apart.
@Suite("Exports in the units their headers say")
struct ExportUnitsTests {
    static let dataset: MarketDataset = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! DataDirectory(path: root.appendingPathComponent("sample-data").path).load()
    }()

    static func report(_ period: String, merge: [String]? = nil) -> PeriodReport {
        let series = AnalysisSeries(dataset: dataset, key: AnalysisKey())
        let analysis = series.analysis(for: Period(period)!)!
        return PeriodReport(analysis: analysis, merger: merge.flatMap { analysis.merger(of: $0) })
    }

    /// Rows of a CSV without quoted commas (the sample's names have none), keyed by header.
    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// Equal to the 15 significant digits CSV carries (JSON carries every bit; JSONSerialization's
    /// parse on Linux is not exact to the last bit either).
    static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return false }
        return abs(a - b) <= 1e-14 * max(abs(a), abs(b))
    }

    static func json(_ report: PeriodReport) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as! [String: Any]
    }

    @Test("overview CSV: billions of yuan under balance_cny_bn, fractions under share_of_market, integer ranks, the others row")
    func overviewCSV() throws {
        let report = Self.report("2020Q2")
        let rows = Self.rows(report.render(.csv))
        let json = try Self.json(report)
        let platforms = json["platforms"] as! [[String: Any]]
        #expect(rows.count == platforms.count + 1)
        for (row, platform) in zip(rows, platforms) {
            #expect(row["period"] == "2020Q2")
            #expect(row["group"] == platform["group"] as? String)
            let billions = try #require(Double(row["balance_cny_bn"] ?? ""))
            #expect(abs(billions * 1e9 - (platform["balance_cny"] as! Double)) < 1)
            #expect(Self.close(Double(row["share_of_market"] ?? ""), platform["share_of_market"] as? Double))
            #expect(Int(row["rank"] ?? "") != nil)
        }
        #expect(rows[0]["balance_cny_bn"] == "1732") // Ant Group, RMB 1,732.0 bn at end-June 2020
        let others = try #require(rows.last)
        #expect(others["group"] == "others (unreported)")
        let share = (json["others"] as! [String: Any])["share_of_market"] as! Double
        #expect(Self.close(Double(others["share_of_market"] ?? ""), share))
        #expect(!rows.contains { $0.keys.contains("") }) // no unnamed column
    }

    @Test("report --format csv with a merger writes the merger table: parties, period, both bounds, ΔHHI, every verdict")
    func mergerCSV() throws {
        let report = Self.report("2020Q2", merge: ["JD Technology", "Du Xiaoman"])
        let rows = Self.rows(report.render(.csv))
        #expect(rows.map { $0["guideline"] } == ["US 2023", "US 2010", "EU 2004", "China AML"])
        let merger = try #require(try Self.json(report)["merger"] as? [String: Any])
        for row in rows {
            #expect(row["period"] == "2020Q2")
            #expect(row["parties"] == "JD Technology + Du Xiaoman")
            #expect(Self.close(Double(row["delta_hhi"] ?? ""), merger["delta_hhi"] as? Double))
            #expect(Self.close(Double(row["hhi_after_upper"] ?? ""), merger["hhi_upper_after"] as? Double))
            #expect(Self.close(Double(row["merged_share"] ?? ""), merger["share"] as? Double))
        }
    }

    @Test("JSON alerts: one per breaching pair with bank, partner, in_force, run and excess in yuan")
    func jsonAlerts() throws {
        let alerts = try Self.json(Self.report("2021Q1"))["alerts"] as! [[String: Any]]
        let pairs = alerts.filter { $0["rule"] as? String == "single_partner_exposure" }
        #expect(pairs.count == 11)
        let withAnt = Set(pairs.filter { $0["partner"] as? String == "Ant Group" }.compactMap { $0["bank"] as? String })
        #expect(withAnt.count == 6)
        for alert in pairs {
            #expect(alert["in_force"] as? Bool == true)
            #expect(alert["unit"] as? String == "fraction")
            #expect((alert["excess_cny"] as? Double ?? 0) > 0)
            #expect(alert["first_period"] is String && alert["periods"] is Int)
        }
        let xw = try #require(pairs.first { $0["bank"] as? String == "XW Bank" && $0["partner"] as? String == "Ant Group" })
        #expect(xw["first_period"] as? String == "2019Q1")
        let before = try Self.json(Self.report("2020Q2"))["alerts"] as! [[String: Any]]
        #expect(before.allSatisfy { $0["in_force"] as? Bool == false })
    }

    @Test("JSON: the AML verdict names the presumed groups and the article; the HHI upper bound names its assumption")
    func jsonVerdicts() throws {
        let json = try Self.json(Self.report("2021Q1"))
        let aml = (json["verdicts"] as! [String: Any])["china_aml"] as! [String: Any]
        #expect(aml["presumed_dominant"] as? [String] == [])
        #expect(aml["article"] as? String == "art. 19 (2008 law)")
        let indices = json["indices"] as! [String: Any]
        #expect((indices["hhi_upper_assumption"] as? String)?.hasPrefix("no unreported lender is larger than") == true)
        #expect((indices["hhi_upper_no_assumption"] as! Double) > (indices["hhi_upper"] as! Double))
    }

    @Test("--all-periods --format csv: one row per period × group with a period column, the others row per period")
    func panelCSV() {
        let series = AnalysisSeries(dataset: Self.dataset, key: AnalysisKey())
        let rows = Self.rows(SeriesReport(series: series).render(.csv))
        let expected = series.analyses.reduce(0) { $0 + $1.groups.count + 1 }
        #expect(rows.count == expected)
        #expect(Set(rows.compactMap { $0["period"] }).count == series.periods.count)
        #expect(rows.first?["period"] == "2019Q1")
    }

    @Test("--all-periods JSON: breach runs say which banks breached, with whom, since when")
    func breachRunsJSON() throws {
        let series = AnalysisSeries(dataset: Self.dataset, key: AnalysisKey())
        let json = try JSONSerialization.jsonObject(with: Data(SeriesReport(series: series).render(.json).utf8)) as! [String: Any]
        let runs = json["breach_runs"] as! [[String: Any]]
        let lanzhou = try #require(runs.first { $0["bank"] as? String == "Bank of Lanzhou" && $0["partner"] as? String == "Ant Group" })
        #expect(lanzhou["first_period"] as? String == "2019Q1")
        #expect((json["periods"] as! [Any]).count == series.periods.count)
    }

    @Test("new lending without a new-lending market total: verdicts null with the reason, caps still on balances")
    func originationsWithoutMarket() throws {
        let series = AnalysisSeries(dataset: Self.dataset, key: AnalysisKey(measure: .originations))
        let analysis = series.analysis(for: Period("2021Q1")!)!
        let json = try Self.json(PeriodReport(analysis: analysis))
        #expect(json["verdicts"] is NSNull)
        #expect(json["verdicts_unavailable"] is String)
        let alerts = json["alerts"] as! [[String: Any]]
        #expect(alerts.filter { $0["rule"] as? String == "single_partner_exposure" }.count == 11)
        #expect(!alerts.contains { ($0["rule"] as? String ?? "").hasPrefix("china_aml") || ($0["rule"] as? String ?? "").hasSuffix("concentration") })
    }

    @Test("CSV numbers: 15 significant digits, no exponent, whole numbers without a point",
          arguments: [(0.1 + 0.2, "0.3"), (5e-05, "0.00005"), (1732, "1732"), (525.0000000000001, "525"), (-0.5, "-0.5"),
                      (0.21000048498957272, "0.210000484989573"), (1e-20, "0.00000000000000000001"), (-0.0, "0")])
    func csvNumbers(value: Double, text: String) {
        #expect(DataTableCSV.number(value) == text)
    }

    @Test("a value just over a cap shows the decimals that tell it from the cap; a tiny excess never reads as zero")
    func distinctFromCap() {
        #expect(NumberFormat.percent(0.2500000001, decimals: 1, distinctFrom: 0.25) == "25.00000001%")
        #expect(NumberFormat.percent(0.2503125, decimals: 1, distinctFrom: 0.25) == "25.03%")
        #expect(NumberFormat.percent(0.25, decimals: 1, distinctFrom: 0.25) == "25.0%")
        #expect(NumberFormat.billionsNonZero(0.1) == "<0.000000001")
        #expect(NumberFormat.billionsNonZero(2_200_000) == "0.002")
        #expect(NumberFormat.billionsNonZero(1.12e9) == "1.12")
    }
}

@Suite("Number formats never trap")
struct NumberFormatRangeTests {
    @Test("any finite double formats with grouping, however large", arguments: [
        (1e25, 1, "10,000,000,000,000,000,905,969,664.0"), (Double.greatestFiniteMagnitude, 0, nil), (-1e20, 0, "-100,000,000,000,000,000,000"),
        (9.2e18, 2, "9,200,000,000,000,000,000.00"), (1732.05, 1, "1,732.1"),
    ] as [(Double, Int, String?)])
    func huge(value: Double, decimals: Int, text: String?) {
        let formatted = NumberFormat.grouped(value, decimals: decimals)
        if let text { #expect(formatted == text) }
        #expect(!formatted.isEmpty && formatted != "n/a")
        #expect(NumberFormat.percent(value, decimals: 2).hasSuffix("%"))
        #expect(!NumberFormat.billions(value).isEmpty)
    }
}

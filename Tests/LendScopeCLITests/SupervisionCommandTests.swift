import Foundation
import Testing

/// `report` as a supervisor runs it: every new field in JSON, early warnings, mergers over all periods.
@Suite("report for supervision, run as a binary")
struct SupervisionCommandTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let output = try BinaryRunner.run(arguments)
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    @Test("report --format json carries bank figures by period, states, related parties, changes and projections")
    func everyNewField() throws {
        let json = try Self.json(["report", "--period", "2021Q1", "--format", "json"])
        #expect(json["warn_at"] as? Double == 0.8)
        let banks = try #require(json["banks"] as? [[String: Any]])
        let mybank = try #require(banks.first { $0["bank"] as? String == "MYbank" })
        for key in ["capital_cny", "capital_period", "capital_stale", "total_loans_cny", "total_loans_period", "total_loans_stale", "caps"] {
            #expect(mybank.keys.contains(key), "banks[].\(key)")
        }
        // 2021Q1 reads banks.csv's 2020Q4 row: MYbank 30 bn.
        #expect(mybank["capital_cny"] as? Double == 30e9 && mybank["capital_period"] as? String == "2020Q4")
        let exposures = try #require(mybank["exposures"] as? [[String: Any]])
        #expect(exposures.first { $0["partner"] as? String == "Ant Group" }?["bank_related_to_partner"] as? Bool == true)
        let caps = try #require(mybank["caps"] as? [[String: Any]])
        #expect(caps.map { $0["cap"] as? String } == ["single_partner_exposure", "aggregate_colending"])
        #expect(caps.allSatisfy { $0.keys.contains("projected_breach_period") && ($0["projection_note"] as? String)?.hasPrefix("projection") == true })
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        let cap = try #require(alerts.first { $0["rule"] as? String == "single_partner_exposure" })
        #expect(cap["state"] as? String == "transition" && cap["state_until"] as? String == "2023-06-30")
        #expect(cap["in_force"] as? Bool == true && cap["status"] as? String == "breach")
        for key in ["related_counted", "bank_related_to_partner", "capital_cny", "capital_period", "capital_stale"] {
            #expect(cap.keys.contains(key), "alerts[].\(key)")
        }
        let statuses = alerts.compactMap { $0["status"] as? String }
        #expect(Set(statuses).isSubset(of: ["breach", "warning"]))
        // Warnings come after every breach.
        #expect(statuses == statuses.sorted { $0 == "breach" && $1 == "warning" })
        let changes = try #require(json["changes"] as? [String: Any])
        #expect(changes["previous_period"] as? String == "2020Q4")
        for key in ["new", "resolved", "worse", "better"] { #expect(changes[key] is [Any]) }
    }

    @Test("--warn-at 0 turns warnings off; values outside 0…1 are refused")
    func warnAt() throws {
        let off = try Self.json(["report", "--period", "2021Q1", "--warn-at", "0", "--format", "json"])
        let alerts = try #require(off["alerts"] as? [[String: Any]])
        #expect(!alerts.isEmpty && alerts.allSatisfy { $0["status"] as? String == "breach" })
        for bad in ["1.5", "-0.1", "nan"] {
            let refused = try BinaryRunner.run(["report", "--warn-at=" + bad])
            #expect(refused.status == 64, "\(bad)")
            #expect(refused.stderr.contains("--warn-at takes a fraction"), "\(bad): \(refused.stderr)")
        }
    }

    @Test("--merge with --all-periods: one what-if per period, each with the cap breaches it creates")
    func mergeAllPeriods() throws {
        let json = try Self.json(["report", "--all-periods", "--merge", "Ant Group+JD Technology", "--format", "json"])
        let periods = try #require(json["periods"] as? [[String: Any]])
        #expect(periods.count == 12)
        let mergers = periods.compactMap { $0["merger"] as? [String: Any] }
        #expect(mergers.count == 12)
        #expect(mergers.allSatisfy { $0["cap_breaches_created"] is [Any] })
        let runs = try #require(json["breach_runs"] as? [[String: Any]])
        #expect(runs.contains { $0["rule"] as? String == "cofunding_floor" && $0.keys.contains("first_period_in_force") })
        let unknown = try BinaryRunner.run(["report", "--all-periods", "--merge", "Nobody+Ant Group"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("does not name two or more groups of any period"))
    }
}

import EngineJobs
import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

/// The engine tables must agree with each other, not only parse: on the hand-worked tables of
/// `EngineTableTests` (equal values at every boundary) and on tables changed one cell at a time,
/// each violation is one error at the file, line and column of a row involved.
@Suite("Engine tables agree with each other")
struct EngineInvariantTests {
    typealias Tables = [EngineTable: [String]]

    /// The problems of `tables` written as `EngineTableTests.write` splits them, engine/ alone,
    /// with the directory's path written `DIR`.
    static func problems(_ tables: Tables, then change: (String) throws -> Void = { _ in }) throws -> [String] {
        let path = try EngineTableTests.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try change(path)
        return EngineTableTests.problems(path).map { $0.replacingOccurrences(of: path, with: "DIR") }
    }

    /// The hand-worked tables with `lines` of one table replaced: index 1 is the first row.
    static func changed(_ table: EngineTable, _ lines: [Int: String]) -> Tables {
        var tables = EngineTableTests.tables
        for (index, line) in lines { tables[table]![index] = line }
        return tables
    }

    @Test("the hand-worked tables hold at every boundary: p50 == max, an overlap == both groups' borrowers, a class at 0.01 and at max a borrower")
    func boundariesPass() throws {
        // As written: every percentile 150.00 == max; overlap A, B 1 == group_borrowers A == B.
        #expect(try Self.problems(EngineTableTests.tables) == [])
        // Three borrowers: two on one group owing a fen each, one on two groups owing exactly the max.
        // (Both on group A: A counts 3 borrowers, the identities hold.)
        let classes = Self.changed(.indebtedness, [1: "2021Q1,borrowers,,,3", 2: "2021Q1,by_groups,1,,2",
                                                   3: "2021Q1,amount_by_groups,1,,0.02", 12: "2021Q1,group_borrowers,A,,3"])
        #expect(try Self.problems(classes) == [])
        // P2's new lending from two banks: 50.00 + 10.00 == pricing's 60.00.
        var banks = EngineTableTests.tables
        banks[.originations] = [banks[.originations]![0], "2021Q1,P1,Bank A,1,100.00", "2021Q1,P2,Bank A,1,50.00",
                                "2021Q1,P2,Bank B,1,10.00"]
        #expect(try Self.problems(banks) == [])
    }

    @Test("a part file added to originations after _SUCCESS: pricing's new lending is no longer their sum")
    func newLendingDiffers() throws {
        var tables = EngineTableTests.tables
        tables[.originations]![1] = "2021Q1,P1,Bank A,1,7820000.00"
        tables[.pricing]![1] = "2021Q1,P1,7820000.00,7820000.00,0.00,1,7820000.00,1,7820000.00,0,0.00,1"
        tables[.status]![1] = "2021Q1,P1,current,7820000.00"
        #expect(try Self.problems(tables) == [])
        let problems = try Self.problems(tables) { path in
            try "period,platform,bank,loans,amount_cny\n2021Q1,P1,Bank B,3,100000000.00\n"
                .write(toFile: path + "/engine/originations/part-00003.csv", atomically: true, encoding: .utf8)
        }
        #expect(problems == ["DIR/engine/pricing/part-00000.csv:2:11: column 'new_cny': 7820000.00 for 2021Q1, P1, but its 2 "
            + "engine/originations rows sum to 107820000.00 (the first at DIR/engine/originations/part-00000.csv:2): named at the "
            + "pricing row, the one figure the originations rows must add up to"])
        // One row that differs by a fen, and a period and platform pricing leaves out.
        #expect(try Self.problems(Self.changed(.originations, [2: "2021Q1,P2,Bank A,2,60.01"])) == [
            "DIR/engine/pricing/part-00001.csv:2:11: column 'new_cny': 60.00 for 2021Q1, P2, but its engine/originations row gives "
                + "60.01 (the first at DIR/engine/originations/part-00001.csv:2): named at the pricing row, the one figure the "
                + "originations rows must add up to",
        ])
        tables = EngineTableTests.tables
        tables[.pricing]!.remove(at: 2)
        #expect(try Self.problems(tables) == ["DIR/engine/originations/part-00001.csv:2:1: 2021Q1, P2 has new loans but no row in engine/pricing"])
    }

    /// Rows of the long table as `EngineTableTests.write` splits them: rows 1–12 in part-00000, 13–24 in part-00001.
    @Test("percentiles ascend to their max, and the 2+ max is at most the overall max", arguments: [
        ([15: "2021Q1,debt_all,p50,,200.00"], "part-00001.csv:4:22: debt_all p50 200.00 is above its max 150.00 (p50 <= p90 <= p99 <= max)"),
        ([16: "2021Q1,debt_all,p90,,150.01"], "part-00001.csv:5:22: debt_all p90 150.01 is above its max 150.00 (p50 <= p90 <= p99 <= max)"),
        ([19: "2021Q1,debt_multi,p50,,100.00", 20: "2021Q1,debt_multi,p90,,120.00", 21: "2021Q1,debt_multi,p99,,110.00"],
         "part-00001.csv:9:24: debt_multi p90 120.00 is above its p99 110.00 (p50 <= p90 <= p99 <= max)"),
        ([19: "2021Q1,debt_multi,p50,,150.01", 20: "2021Q1,debt_multi,p90,,150.01", 21: "2021Q1,debt_multi,p99,,150.01",
          22: "2021Q1,debt_multi,max,,150.01"],
         "part-00001.csv:11:24: debt_multi max 150.01 is above debt_all max 150.00: a borrower on 2+ groups is one of all borrowers"),
    ])
    func percentiles(_ lines: [Int: String], _ expected: String) throws {
        #expect(try Self.problems(Self.changed(.indebtedness, lines)) == ["DIR/engine/indebtedness/" + expected])
    }

    @Test("an overlap is at most each group's borrowers", arguments: [
        ([14: "2021Q1,overlap,B,A,2"], "overlap A, B: 2 borrowers, more than the 1 of A and the 1 of B in group_borrowers"),
        ([14: "2021Q1,overlap,B,A,2", 13: "2021Q1,group_borrowers,B,,2"], "overlap A, B: 2 borrowers, more than the 1 of A in group_borrowers"),
    ])
    func overlap(_ lines: [Int: String], _ expected: String) throws {
        // (The count identities may be named too: an overlap edited alone breaks them.)
        #expect(try Self.problems(Self.changed(.indebtedness, lines)).contains("DIR/engine/indebtedness/part-00001.csv:3:20: " + expected))
        // Equal to both: the group of B grows by a borrower on B alone, the pair stays.
        let equal = Self.changed(.indebtedness, [1: "2021Q1,borrowers,,,2", 2: "2021Q1,by_groups,1,,1", 3: "2021Q1,amount_by_groups,1,,0.01",
                                                 14: "2021Q1,overlap,B,A,1", 13: "2021Q1,group_borrowers,B,,2"])
        #expect(try Self.problems(equal) == [])
    }

    @Test("the classes sum to borrowers; a class owes between 0.01 and the max for each of its borrowers", arguments: [
        ([2: "2021Q1,by_groups,1,,1", 3: "2021Q1,amount_by_groups,1,,0.01"],
         "part-00000.csv:2:20: by_groups 1 to 5+ sum to 2, not borrowers 1"),
        ([5: "2021Q1,amount_by_groups,2,,0.00"],
         "part-00000.csv:6:28: amount_by_groups 2: 0.00 owed by 1 borrower, less than 0.01 each"),
        ([1: "2021Q1,borrowers,,,3", 2: "2021Q1,by_groups,1,,2", 3: "2021Q1,amount_by_groups,1,,0.01"],
         "part-00000.csv:4:28: amount_by_groups 1: 0.01 owed by 2 borrowers, less than 0.01 each"),
        ([5: "2021Q1,amount_by_groups,2,,150.01"],
         "part-00000.csv:6:28: amount_by_groups 2: 150.01 owed by 1 borrower, more than debt_all max 150.00 each (150.00)"),
        ([7: "2021Q1,amount_by_groups,3,,5.00"],
         "part-00000.csv:8:28: amount_by_groups 3: 5.00 owed by no borrower (by_groups 3 is 0)"),
    ])
    func classes(_ lines: [Int: String], _ expected: String) throws {
        #expect(try Self.problems(Self.changed(.indebtedness, lines)).contains("DIR/engine/indebtedness/" + expected))
    }

    @Test("a count and its amount are zero together, in originations and in pricing", arguments: [
        (EngineTable.originations, [2: "2021Q1,P2,Bank A,0,100.00"],
         "originations/part-00001.csv:2:20: column 'amount_cny': 100.00 with 0 loans (an amount is 0.00 exactly when its count is 0)"),
        (.originations, [2: "2021Q1,P2,Bank A,2,0.00"],
         "originations/part-00001.csv:2:20: column 'amount_cny': 0.00 with 2 loans (an amount is 0.00 exactly when its count is 0)"),
        (.pricing, [2: "2021Q1,P2,60.00,10.00,10.00,0,50.00,0,0.00,0,0.00,2"],
         "pricing/part-00001.csv:2:31: column 'cofunded_cny': 50.00 with 0 cofunded_loans (an amount is 0.00 exactly when its count is 0)"),
        (.pricing, [1: "2021Q1,P1,100.00,100.00,0.00,1,100.00,1,100.00,1,0.00,1"],
         "pricing/part-00000.csv:2:50: column 'in_force_below_cny': 0.00 with 1 in_force_below_loans (an amount is 0.00 exactly when its count is 0)"),
    ])
    func loansAndAmounts(_ table: EngineTable, _ lines: [Int: String], _ expected: String) throws {
        #expect(try Self.problems(Self.changed(table, lines)) == ["DIR/engine/" + expected])
    }

    @Test("the sample's loans written as engine tables pass every check, beside loans/ and alone")
    func sampleTablesPass() throws {
        let sample = Fixture.packageRoot.appendingPathComponent("sample-data").path
        let dataset = try DataDirectory(path: sample).load()
        let figures = try #require(dataset.loans)
        let path = try IndebtednessParseTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for name in try FileManager.default.contentsOfDirectory(atPath: sample) where name.hasSuffix(".csv") {
            try FileManager.default.copyItem(atPath: sample + "/" + name, toPath: path + "/" + name)
        }
        try FileManager.default.copyItem(atPath: sample + "/loans", toPath: path + "/loans")
        try EngineTableTests.write(Self.engineTables(figures, loans: sample + "/loans/loans.csv",
                                                     granularity: try #require(dataset.periods.first?.granularity)), into: path)
        #expect(EngineTableTests.problems(path) == [])
        try FileManager.default.removeItem(atPath: path + "/loans")
        #expect(EngineTableTests.problems(path) == [])
    }

    /// LendScope's figures as the tables an engine writes, with each originations row's loan count
    /// (which the figures do not keep) counted from the loan file.
    static func engineTables(_ figures: LoanFigures, loans: String, granularity: Period.Granularity) throws -> Tables {
        var problems: [Diagnostic] = []
        let csv = try CSVTable(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: loans))), path: loans, diagnostics: &problems)
        var counts: [[String]: Int] = [:]
        for record in csv.rows {
            let date = try #require(CalendarDate(iso: csv.field(record, "originated")!.value))
            let period = try #require(granularity == .quarter ? Period(quarter: (date.month - 1) / 3 + 1, of: date.year)
                                                              : Period(month: date.month, of: date.year))
            counts[[period.description, csv.field(record, "platform")!.value, csv.field(record, "bank")!.value], default: 0] += 1
        }
        func line(_ row: [String]) -> String {
            row.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",")
        }
        var tables: Tables = [:]
        for table in EngineTable.allCases {
            var header = table.columns
            if table == .pricing {
                let above = figures.aprThresholds.map { EngineTable.aboveColumn(percent: String($0.description.dropLast())) }
                header.insert(contentsOf: above, at: 3)
            }
            let rows = EngineRows.rows(figures, table: table).sorted { $0.lexicographicallyPrecedes($1) }.map { row in
                table == .originations ? Array(row.prefix(3)) + [String(counts[Array(row.prefix(3))] ?? 0)] + [row[3]] : row
            }
            tables[table] = [header.joined(separator: ",")] + rows.map(line)
        }
        return tables
    }

    @Test("new lending by status adds up to pricing's new lending; a late status part breaks it")
    func statusSums() throws {
        var tables = EngineTableTests.tables
        tables[.status]!.append("2021Q1,P2,current,0.01")
        let problems = try Self.problems(tables)
        #expect(problems == ["DIR/engine/status/part-00000.csv:3:1: 2021Q1, P2: engine/status amounts sum to 60.01, "
            + "but the new lending is 60.00 (engine/pricing new_cny at DIR/engine/pricing/part-00001.csv:2)"])
    }

    /// A borrower on k groups is in k group counts and k(k−1)/2 pairs: with the classes of the
    /// hand-worked tables (one borrower on 2 groups), the groups count 2 and the pairs 1.
    @Test("a late overlap or group row breaks the count identities and is named")
    func countIdentities() throws {
        let extraPair = Self.changed(.indebtedness, [13: "2021Q1,group_borrowers,B,,1"])
        var tables = extraPair
        tables[.indebtedness]!.append("2021Q1,group_borrowers,C,,1")
        let problems = try Self.problems(tables)
        #expect(problems.contains { $0.contains("group_borrowers sum to 3, but the classes say 2 (a borrower on k groups is counted by k groups)") })
        var pairs = EngineTableTests.tables
        pairs[.indebtedness]!.append("2021Q1,group_borrowers,C,,1")
        pairs[.indebtedness]!.append("2021Q1,overlap,A,C,1")
        #expect(try Self.problems(pairs).contains { $0.contains("overlaps sum to 2, but the classes say 1 (a borrower on k groups is in k(k-1)/2 pairs)") })
    }
}

import EngineJobs
import Foundation
import Testing
@testable import DataIngest
import MarketAnalytics

/// `engine/` read as `loans/` is: hand-worked tables for three loans, every figure worked out
/// here from the definitions; a table is read only when complete; every bad cell is named at its
/// file, line and column; `loans/` and `engine/` together must agree.
@Suite("Engine tables as a data source")
struct EngineTableTests {
    /// L1: group A, 20% platform part (below the floor, before it was in force), rate 30%.
    /// L2: group B, the same borrower, exactly 30% (not below), rate exactly 24% (not above), overdue.
    /// L3: group B, another borrower, repaid before the quarter's end, rate 37%, no platform part.
    static let loans = """
        loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status,closed_on,platform_funded_cny
        L1,P1,Bank A,B1,100.00,365,2021-01-10,0.30,current,,20.00
        L2,P2,Bank A,B1,50.00,30,2021-03-15,0.24,overdue,,15.00
        L3,P2,Bank A,B2,10.00,10,2021-03-01,0.37,repaid,2021-03-11,

        """

    /// The tables worked out by hand from the three loans (E = 2021-03-31).
    static let tables: [EngineTable: [String]] = [
        .originations: ["period,platform,bank,loans,amount_cny", "2021Q1,P1,Bank A,1,100.00", "2021Q1,P2,Bank A,2,60.00"],
        .status: ["period,platform,status,amount_cny", "2021Q1,P1,current,100.00", "2021Q1,P2,overdue,50.00", "2021Q1,P2,repaid,10.00"],
        .stacking: ["period,borrowers,multi_platform_2,multi_platform_3,amount_multi_platform_2_cny,amount_multi_platform_3_cny",
                    "2021Q1,2,1,0,150.00,0.00"],
        .indebtedness: ["period,table,a,b,value", "2021Q1,borrowers,,,1",
                        "2021Q1,by_groups,1,,0", "2021Q1,amount_by_groups,1,,0.00", "2021Q1,by_groups,2,,1",
                        "2021Q1,amount_by_groups,2,,150.00", "2021Q1,by_groups,3,,0", "2021Q1,amount_by_groups,3,,0.00",
                        "2021Q1,by_groups,4,,0", "2021Q1,amount_by_groups,4,,0.00", "2021Q1,by_groups,5+,,0",
                        "2021Q1,amount_by_groups,5+,,0.00", "2021Q1,group_borrowers,A,,1", "2021Q1,group_borrowers,B,,1",
                        "2021Q1,overlap,B,A,1", // written b-a: one cell whichever way round
                        "2021Q1,debt_all,p50,,150.00", "2021Q1,debt_all,p90,,150.00", "2021Q1,debt_all,p99,,150.00",
                        "2021Q1,debt_all,max,,150.00", "2021Q1,debt_multi,p50,,150.00", "2021Q1,debt_multi,p90,,150.00",
                        "2021Q1,debt_multi,p99,,150.00", "2021Q1,debt_multi,max,,150.00",
                        "2021Q1,bad_amount,single,,0.00", "2021Q1,bad_amount,multi,,50.00"],
        .pricing: ["period,platform,new_cny,above_apr_24_cny,above_apr_36_cny,cofunded_loans,cofunded_cny,below_floor_loans,"
                   + "below_floor_cny,in_force_below_loans,in_force_below_cny,funded_stated_loans",
                   "2021Q1,P1,100.00,100.00,0.00,1,100.00,1,100.00,0,0.00,1",
                   "2021Q1,P2,60.00,10.00,10.00,1,50.00,0,0.00,0,0.00,2"],
        .summary: ["loans,platform_funded_column", "3,true"],
    ]

    /// A data directory with balances and platforms, and optionally loans/ and engine/.
    static func directory(loans: Bool, engine: [EngineTable: [String]]?) throws -> String {
        let path = try IndebtednessParseTests.scratch()
        try "period,platform,bank,balance_cny\n2021Q1,P1,Bank A,1000\n2021Q1,P2,Bank A,500\n"
            .write(toFile: path + "/balances.csv", atomically: true, encoding: .utf8)
        try "platform,group\nP1,A\nP2,B\n".write(toFile: path + "/platforms.csv", atomically: true, encoding: .utf8)
        if loans {
            try FileManager.default.createDirectory(atPath: path + "/loans", withIntermediateDirectories: true)
            try Self.loans.write(toFile: path + "/loans/loans.csv", atomically: true, encoding: .utf8)
        }
        if let engine { try write(engine, into: path) }
        return path
    }

    /// Each table as two part files (the header in each, the rows split) and an empty part, then `_SUCCESS`.
    static func write(_ tables: [EngineTable: [String]], into path: String) throws {
        for (table, lines) in tables {
            let folder = path + "/engine/" + table.rawValue
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let rows = Array(lines.dropFirst()), half = rows.count / 2
            try ([lines[0]] + rows[..<half]).joined(separator: "\n").appending("\n").write(toFile: folder + "/part-00000.csv", atomically: true, encoding: .utf8)
            try ([lines[0]] + rows[half...]).joined(separator: "\n").appending("\n").write(toFile: folder + "/part-00001.csv", atomically: true, encoding: .utf8)
            _ = FileManager.default.createFile(atPath: folder + "/part-00002.csv", contents: Data())
            _ = FileManager.default.createFile(atPath: folder + "/_SUCCESS", contents: Data())
        }
    }

    static func load(_ path: String) -> Result<MarketDataset, IngestFailure> {
        do { return .success(try DataDirectory(path: path).load()) } catch { return .failure(error) }
    }

    static func rows(_ figures: LoanFigures) -> [EngineTable: [[String]]] {
        Dictionary(uniqueKeysWithValues: EngineTable.allCases.map { table in
            (table, EngineRows.rows(figures, table: table).sorted { $0.lexicographicallyPrecedes($1) })
        })
    }

    static func problems(_ path: String) -> [String] {
        guard case .failure(let failure) = load(path) else { return [] }
        return failure.diagnostics.map(\.description)
    }

    @Test("LendScope's own figures from the three loans are the hand-worked tables")
    func loansGiveTheHandWorkedTables() throws {
        let path = try Self.directory(loans: true, engine: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let figures = try #require(try Self.load(path).get().loans)
        let ours = Self.rows(figures)
        for table in EngineTable.allCases {
            var expected = Self.tables[table]!.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            if table == .originations { expected = expected.map { Array($0.prefix(3)) + [$0[4]] } } // EngineRows leaves out loans
            if table == .indebtedness { expected = expected.map { $0[1] == "overlap" ? [$0[0], $0[1], $0[3], $0[2], $0[4]] : $0 } }
            #expect(ours[table] == expected.sorted { $0.lexicographicallyPrecedes($1) }, "\(table)")
        }
    }

    @Test("engine/ alone gives the same figures as loans/; its originations say where they came from")
    func engineAloneEqualsLoans() throws {
        let fromLoans = try Self.directory(loans: true, engine: nil)
        let fromEngine = try Self.directory(loans: false, engine: Self.tables)
        defer { for p in [fromLoans, fromEngine] { try? FileManager.default.removeItem(atPath: p) } }
        let a = try #require(try Self.load(fromLoans).get().loans), b = try #require(try Self.load(fromEngine).get().loans)
        #expect(Self.rows(a) == Self.rows(b))
        #expect(b.rows == 3 && b.hasPlatformFunded && b.aprThresholds == APRThreshold.defaults)
        #expect(b.indebtedness[Period("2021Q1")!]?.asOf == CalendarDate(year: 2021, month: 3, day: 31))
        #expect(b.originations.allSatisfy { $0.source == "engine tables" })
    }

    @Test("a table without _SUCCESS, or a job marker saying running, is being written: nothing is read")
    func incompleteTablesAreNotRead() throws {
        let path = try Self.directory(loans: false, engine: Self.tables)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.removeItem(atPath: path + "/engine/indebtedness/_SUCCESS")
        #expect(Self.problems(path) == [path + "/engine/indebtedness:1:1: being written (no _SUCCESS yet): read once it is complete"])
        _ = FileManager.default.createFile(atPath: path + "/engine/indebtedness/_SUCCESS", contents: Data())
        try "running 1f2e\n".write(toFile: path + "/engine/_JOB", atomically: true, encoding: .utf8)
        #expect(Self.problems(path) == [path + "/engine/_JOB:1:1: a job is writing the tables (running): the tables are read once it says done"])
        try "done 1f2e\n".write(toFile: path + "/engine/_JOB", atomically: true, encoding: .utf8)
        #expect(Self.problems(path) == [])
        try FileManager.default.removeItem(atPath: path + "/engine/pricing")
        #expect(Self.problems(path).first?.hasPrefix(path + "/engine/pricing:1:1: missing") == true)
    }

    @Test("a bad cell, a row given twice and an unknown long-table row are named at their file, line and column")
    func badCellsAreNamed() throws {
        var tables = Self.tables
        tables[.originations]![2] = "2021Q1,P2,Bank A,2,60.001"
        tables[.stacking]![1] = "2021Q1,2,x,0,150.00,0.00"
        let path = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.problems(path) == [
            path + "/engine/originations/part-00001.csv:2:20: '60.001' is not yuan with at most two decimals",
            path + "/engine/stacking/part-00001.csv:2:10: 'x' is not a count (a whole number)",
        ])
        tables = Self.tables
        tables[.originations]!.append("2021Q1,P1,Bank A,1,100.00")
        let twice = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: twice) }
        #expect(Self.problems(twice) == [twice + "/engine/originations/part-00001.csv:3:1: the same row as "
            + twice + "/engine/originations/part-00000.csv:2 (2021Q1, P1, Bank A)"])
        tables = Self.tables
        tables[.indebtedness]!.append("2021Q1,debt_top,p50,,1.00")
        let unknown = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: unknown) }
        #expect(Self.problems(unknown).first?.hasSuffix("unknown row 'debt_top,p50,' of the long table") == true)
    }

    @Test("loans/ and engine/ together must agree: the first difference is named at the engine's row")
    func bothMustAgree() throws {
        let path = try Self.directory(loans: true, engine: Self.tables)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.problems(path) == [])
        var tables = Self.tables
        tables[.pricing]![2] = "2021Q1,P2,60.00,10.00,10.00,1,50.00,0,0.00,0,0.00,1"
        try FileManager.default.removeItem(atPath: path + "/engine")
        try Self.write(tables, into: path)
        #expect(Self.problems(path) == [path + "/engine/pricing/part-00001.csv:2:1: differs from loans/ at pricing row 2021Q1,P2: "
            + "engine gives 60.00,10.00,10.00,1,50.00,0,0.00,0,0.00,1, loans/ gives 60.00,10.00,10.00,1,50.00,0,0.00,0,0.00,2"])
    }

    @Test("a platform missing from platforms.csv is named at its first engine row")
    func unlistedPlatform() throws {
        var tables = Self.tables
        tables[.originations]!.append("2021Q1,P9,Bank A,1,5.00")
        tables[.pricing]!.append("2021Q1,P9,5.00,0.00,0.00,0,0.00,0,0.00,0,0.00,1") // new lending agrees across the tables
        tables[.status]!.append("2021Q1,P9,current,5.00")
        let path = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.problems(path).contains(path + "/engine/originations/part-00001.csv:3:1: column 'platform': 'P9' is not listed in platforms.csv"))
    }

    @Test("hand-edited tables: a threshold column spelt another way, sums past 64 bits, a pair of one group, lending with no loans")
    func handEditedTables() throws {
        var tables = Self.tables
        tables[.pricing]![0] = tables[.pricing]![0].replacingOccurrences(of: "above_apr_24_cny", with: "above_apr_24.0_cny")
        let spelt = try Self.directory(loans: true, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: spelt) }
        #expect(Self.problems(spelt) == [])
        tables = Self.tables
        tables[.originations] = [tables[.originations]![0], "2021Q1,P1,Bank A,9000000000000000000,100.00",
                                 "2021Q1,P2,Bank A,9000000000000000000,60.00"]
        let huge = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: huge) }
        #expect(Self.problems(huge).contains { $0.contains("is not a count") || $0.contains("past 64 bits") })
        tables = Self.tables
        tables[.indebtedness]!.append("2021Q1,overlap,A,A,1")
        let selfPair = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: selfPair) }
        #expect(Self.problems(selfPair).contains { $0.hasSuffix("an overlap row names two different groups, a and b") })
        tables = Self.tables
        tables[.status]!.append("2030Q1,P1,current,5.00")
        let noLoans = try Self.directory(loans: false, engine: tables)
        defer { try? FileManager.default.removeItem(atPath: noLoans) }
        #expect(Self.problems(noLoans).contains { $0.hasSuffix("2030Q1, P1 has no new loans in engine/originations") })
    }
}

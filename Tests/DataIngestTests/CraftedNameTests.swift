import Testing
@testable import DataIngest
import MarketAnalytics

/// Two different bank names whose 64-bit name hashes collide, crafted by choosing the second name's
/// first two words so that the hash state after them is the same (found in 1,410 random tries):
/// a hash may choose a slot, never decide that two names are one.
@Suite("Crafted names never merge")
struct CraftedNameTests {
    static let first = "Rural CoBank of Lanzhou!"
    static let second = "m9PTQ*g=Ka><Nb@xLanzhou!"

    @Test("the fixture still collides under the parser's hash (update it if the hash changes)")
    func fixtureCollides() {
        let hashes = [Self.first, Self.second].map { name in
            Array(name.utf8).withUnsafeBufferPointer { LoanFields.hash($0.baseAddress!, $0.count) }
        }
        #expect(Self.first != Self.second)
        #expect(hashes[0] == hashes[1])
    }

    @Test("a name table keeps two colliding long names apart")
    func nameTable() {
        var table = NameTable()
        defer { table.release() }
        let padded = { (name: String) in Array(name.utf8) + Array(repeating: 0, count: 16) }
        let (a, b) = (padded(Self.first), padded(Self.second))
        a.withUnsafeBufferPointer { table.insert($0.baseAddress!, 24, quoted: false, id: 0) }
        #expect(b.withUnsafeBufferPointer { table.find($0.baseAddress!, 24, quoted: false) } == nil)
        b.withUnsafeBufferPointer { table.insert($0.baseAddress!, 24, quoted: false, id: 1) }
        #expect(a.withUnsafeBufferPointer { table.find($0.baseAddress!, 24, quoted: false) } == 0)
        #expect(b.withUnsafeBufferPointer { table.find($0.baseAddress!, 24, quoted: false) } == 1)
    }

    @Test("in a loan file the two banks are two cells, on one thread and on several")
    func loanFile() throws {
        let text = LoanParserTests.header
            + "L1,Huabei,\(Self.first),b1,100,30,2020-04-01,0.18,current\n"
            + "L2,Huabei,\(Self.second),b2,7,30,2020-04-02,0.18,current\n"
            + "L3,Huabei,\(Self.first),b3,1,30,2020-04-03,0.18,current\n"
        for threads in [1, 3] {
            let (accumulator, _) = try LoanParserTests.parse(text, threads: threads)
            #expect(LoanParserTests.cells(accumulator) == ["2020Q2 Huabei \(Self.first) 2 10100",
                                                           "2020Q2 Huabei \(Self.second) 1 700"])
        }
    }
}

extension CraftedNameTests {
    @Test("two borrower IDs with colliding hashes are never merged: stacking is unavailable, on 1 and 2 threads")
    func borrowers() throws {
        // The same colliding pair as borrower IDs, on two platforms in one quarter: merged, they
        // would be one borrower on two groups.
        let text = LoanParserTests.header
            + "L1,Huabei,Bank A,\(Self.first),100,30,2020-04-01,0.18,current\n"
            + "L2,JD,Bank A,\(Self.second),7,30,2020-04-02,0.18,current\n"
        for threads in [1, 2] {
            let (accumulator, _) = try LoanParserTests.parse(text, threads: threads)
            let figures = accumulator.figures { $0 }
            #expect(figures.stacking.isEmpty)
            #expect(figures.stackingUnavailable == "two borrower IDs share a 64-bit key (by chance or crafted); borrowers are never merged on a hash")
        }
        // Without the collision the same file stacks as usual.
        let (plain, _) = try LoanParserTests.parse(text.replacingOccurrences(of: Self.second, with: Self.first), threads: 2)
        #expect(plain.figures { $0 }.stacking[Period("2020Q2")!]?.multiPlatform2 == 1)
    }
}

extension CraftedNameTests {
    @Test("threads' borrower tables are compared with one another: one key, two borrowers → unavailable")
    func borrowerTablesAcrossThreads() {
        func table(_ id: String, period: UInt64 = 8084) -> BorrowerIDs {
            var ids = BorrowerIDs()
            let bytes = Array(id.utf8)
            bytes.withUnsafeBufferPointer { ids.note(key: 42, period: period, $0.baseAddress!, $0.count) }
            return ids
        }
        let same = LoanAccumulator(granularity: .quarter, expectedRows: 10)
        same.mergeBorrowerIDs(table("b1"))
        same.mergeBorrowerIDs(table("b1"))
        #expect(same.figures { $0 }.stackingUnavailable == nil)
        let other = LoanAccumulator(granularity: .quarter, expectedRows: 10)
        other.mergeBorrowerIDs(table("b1"))
        other.mergeBorrowerIDs(table("b2"))
        #expect(other.figures { $0 }.stackingUnavailable?.hasPrefix("two borrower IDs share a 64-bit key") == true)
        let period = LoanAccumulator(granularity: .quarter, expectedRows: 10)
        period.mergeBorrowerIDs(table("b1"))
        period.mergeBorrowerIDs(table("b1", period: 8085))
        #expect(period.figures { $0 }.stackingUnavailable?.hasPrefix("two borrower IDs share a 64-bit key") == true)
    }
}

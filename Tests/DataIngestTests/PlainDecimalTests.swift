import Testing
@testable import DataIngest

@Suite("Plain decimal numbers")
struct PlainDecimalTests {
    @Test("digits, a point and a unit exponent convert exactly",
          arguments: [("1732.0", 9, 1_732_000_000_000.0), ("78.480", 9, 78_480_000_000), ("0.1", 0, 0.1),
                      ("72513", 6, 72_513_000_000), ("-2.5", 0, -2.5), ("007", 0, 7)])
    func parses(text: String, exponent: Int, expected: Double) throws {
        #expect(try PlainDecimal.parse(text, exponent: exponent).get() == expected)
    }

    @Test("anything else is refused", arguments: ["", "1.", ".5", "1..2", "-", "1-2", "0x10", "inf", "NaN"])
    func refuses(text: String) {
        #expect((try? PlainDecimal.parse(text).get()) == nil)
    }
}

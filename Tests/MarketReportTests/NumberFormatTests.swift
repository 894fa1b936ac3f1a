import Testing
@testable import MarketReport

@Suite("Number formats")
struct NumberFormatTests {
    @Test("grouping, rounding and signs", arguments: [
        (1_732.0, 1, "1,732.0"), (1_234_567.891, 2, "1,234,567.89"), (0.5, 0, "1"), (-1_500, 0, "-1,500"),
        (-0.004, 2, "0.00"), (999.96, 1, "1,000.0"), (12, 0, "12"),
    ])
    func grouped(value: Double, decimals: Int, text: String) {
        #expect(NumberFormat.grouped(value, decimals: decimals) == text)
    }

    @Test("percent, signed points and billions")
    func derived() {
        #expect(NumberFormat.percent(0.21) == "21.00%")
        #expect(NumberFormat.signed(1.364) == "+1.36")
        #expect(NumberFormat.signed(-0.4) == "-0.40")
        #expect(NumberFormat.signed(0.001) == "0.00")
        #expect(NumberFormat.billions(1.732e12) == "1,732.0")
        #expect(NumberFormat.grouped(.nan, decimals: 1) == "n/a")
    }
}

import Testing
@testable import MarketAnalytics

@Suite("Periods and dates")
struct PeriodTests {
    @Test("quarters and months parse, print and end on the right day",
          arguments: [("2020Q2", "2020-06-30"), ("2019Q4", "2019-12-31"), ("2020-02", "2020-02-29"),
                      ("2021-02", "2021-02-28"), ("1900-02", "1900-02-28"), ("2000-02", "2000-02-29")])
    func endDates(text: String, end: String) throws {
        let period = try #require(Period(text))
        #expect(period.description == text)
        #expect(period.endDate.description == end)
    }

    @Test("malformed periods are refused", arguments: ["2020Q5", "2020Q0", "2020-13", "2020-1", "20Q1", "2020q1", "", "2020-00"])
    func malformed(text: String) {
        #expect(Period(text) == nil)
    }

    @Test("dates must be real days", arguments: ["2021-02-29", "2020-04-31", "2020-6-30", "2020/06/30"])
    func badDates(text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test("flags order from strongest to weakest: S, D, R, E")
    func flagOrder() {
        #expect(Provenance.weakest([.sourced, .derived]) == .derived)
        #expect(Provenance.weakest([.derived, .recalled, .sourced]) == .recalled)
        #expect(Provenance.weakest([.recalled, .estimated]) == .estimated)
        #expect(Provenance.weakest([]) == .sourced)
    }
}

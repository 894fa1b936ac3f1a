import DashboardUI
import DataIngest
import Foundation
import FuzzDriver
import MarketAnalytics
import MarketReport

/// Whole-pipeline fuzzing: each input seeds a valid-but-extreme data directory (amounts across the
/// whole accepted range, names with hostile bytes, tiny and huge FX rates, one-group markets,
/// single periods, loans or none), which goes through validation, every analysis, every report
/// format, and the render of every view at a random size after random keys. Nothing may trap,
/// and no output (report text, CSV, JSON, Markdown, screen cells) may carry a raw control byte,
/// an escape or a bidirectional override.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    var input = Input(count > 0 ? Array(UnsafeRawBufferPointer(start: start, count: count)) : [])
    let files = input.directory()
    let sources = files.mapValues { Array($0.utf8) }
    guard let dataset = try? DatasetValidator(directory: DataDirectory(path: "fuzz"), sources: sources).validate() else {
        return 0
    }
    for key in [AnalysisKey(), AnalysisKey(measure: .originations)] where key.measure == .balances || dataset.loans != nil {
        let series = AnalysisSeries(dataset: dataset, key: key)
        for analysis in series.analyses {
            let merger = analysis.groups.count >= 2 ? analysis.merger(of: [analysis.groups[0].group, analysis.groups[1].group]) : nil
            for format in PeriodReport.Format.allCases {
                checkClean(PeriodReport(analysis: analysis, merger: merger, source: "fuzz").render(format), format == .json)
            }
        }
        for format in PeriodReport.Format.allCases { checkClean(SeriesReport(series: series).render(format), format == .json) }
    }
    // The dashboard: every view at random sizes after random keys.
    var state = DashboardState(width: input.int(0...220), height: input.int(0...70),
                               options: DisplayOptions(glyphs: input.bool() ? .unicode : .ascii, colors: input.bool()))
    var effect = state.apply(.snapshotLoaded(Snapshot(dataset: dataset, directory: "fuzz", loadedAt: ClockTime(hour: 1, minute: 2, second: 3))))
    let keys: [Key] = [.character("b"), .character("m"), .character("t"), .character("a"), .character("w"), .character("n"),
                       .character("d"), .character("g"), .character("u"), .character(" "), .character("j"), .character("k"),
                       .character("["), .character("]"), .character("H"), .character("L"), .character("/"), .character("x"),
                       .character("<"), .character(">"), .character("3"), .character("?"), .enter, .escape, .up, .down, .left,
                       .right, .pageUp, .pageDown, .home, .end, .backspace, .character("y"), .character("e"),
                       .character(":"), .character("s"), .character("i"), .character("蚂"), .delete, .insert, .function(1)]
    // Terminal bytes too: escape sequences whole, cut, or garbage go through the key decoder.
    var decoder = KeyDecoder()
    var pending: [Key] = []
    let sequenceBytes: [UInt8] = [0x1B, 0x5B, 0x4F, 0x7E, 0x31, 0x3B]
    for _ in 0..<input.int(0...40) {
        if input.int(0...9) == 0 {
            effect = state.apply(.resized(width: input.int(0...220), height: input.int(0...70)))
        } else if input.int(0...4) == 0 {
            let bytes = (0..<input.int(1...8)).map { _ in input.bool() ? sequenceBytes[input.int(0...5)] : input.byte() }
            pending += decoder.decode(bytes)
            if input.bool() { pending += decoder.flush() }
            effect = pending.isEmpty ? .none : state.apply(.keyPressed(pending.removeFirst()))
        } else {
            effect = state.apply(.keyPressed(keys[input.int(0...(keys.count - 1))]))
        }
        // The loop's part: analyses for another key come from the worker; computed here.
        while case .analyze(let key) = effect, let snapshot = state.snapshot {
            effect = state.apply(.snapshotLoaded(Snapshot(dataset: snapshot.dataset, directory: "fuzz", loadedAt: snapshot.loadedAt,
                                                          version: snapshot.version, key: key)))
        }
        if case .export(let request) = effect { for file in request.files { checkClean(file.text, false) } }
        if case .copy(let text) = effect { checkClean(text, false, tabs: true) } // TSV: tabs separate the cells
        for line in DashboardView.render(state).lines { checkClean(line, false) }
    }
    return 0
}

/// No C0 control byte but line feed, no DEL, no C1, no escape and no bidirectional override or
/// isolate in text that reaches a terminal or a file. JSON escapes controls as \uXXXX itself.
func checkClean(_ text: String, _ json: Bool, tabs: Bool = false) {
    for scalar in text.unicodeScalars {
        let v = scalar.value
        let control = (v < 0x20 && v != 0x0A && !(tabs && v == 0x09)) || (0x7F...0x9F).contains(v)
        let bidi = (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
        if control || bidi {
            print("unsafe scalar U+\(String(v, radix: 16)) in output: \(text.prefix(200).debugDescription)")
            preconditionFailure("raw control or bidi character in an output")
        }
    }
}

/// The fuzz input read as a stream of choices; past its end every choice is 0.
struct Input {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        defer { at += 1 }
        return at < bytes.count ? bytes[at] : 0
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        var word = 0
        for _ in 0..<4 { word = word << 8 | Int(byte()) }
        return range.lowerBound + word % (range.upperBound - range.lowerBound + 1)
    }

    mutating func bool() -> Bool { byte() & 1 == 1 }

    /// A name: mostly plain, sometimes CJK, sometimes with hostile bytes (which the validator must
    /// refuse at their position, or, where it accepts them, which every output must render safely).
    mutating func name(_ prefix: String) -> String {
        let pieces = ["Ant", "微众", "Bank", " of ", "Group", "\u{1B}[2J", "\u{202E}", "\u{7}", "é", "e\u{301}", "\"", ",",
                      "Ω", "\u{200B}", "𝕏", "x", "\t"]
        var text = prefix
        for _ in 0..<int(0...3) { text += pieces[int(0...(pieces.count - 1))] }
        return text
    }

    /// An amount in yuan with two decimals anywhere in the accepted range: 0 to 10^15.
    mutating func amount() -> String {
        switch int(0...4) {
        case 0: return "0"
        case 1: return "0.01"
        case 2: return "1000000000000000"
        case 3: return "\(int(0...999_999_999)).\(int(0...99))"
        default: return "\(int(0...999_999))\(int(0...999_999_999))"
        }
    }

    mutating func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// A data directory: balances (always), market totals, FX rates, platforms, banks and loans (sometimes).
    mutating func directory() -> [String: String] {
        let monthly = bool()
        let periods = (0..<int(1...4)).map { i in monthly ? "2021-\(i + 1 < 10 ? "0" : "")\(i + 1)" : "202\(int(0...3))Q\(i + 1)" }
        let groups = (0..<int(1...5)).map { name("G\($0)") }
        let banks = (0..<int(1...4)).map { name("B\($0)") }
        var balances = "period,platform,bank,balance_cny,flag\n"
        var seen = Set<String>()
        for period in periods {
            for _ in 0..<int(1...6) {
                let (g, b) = (groups[int(0...(groups.count - 1))], banks[int(0...(banks.count - 1))])
                guard seen.insert("\(period)|\(g)|\(b)").inserted else { continue }
                balances += "\(period),\(csvField(g)),\(csvField(b)),\(amount()),\(["S", "E", "R", "D"][int(0...3)])\n"
            }
        }
        var files = ["balances.csv": balances]
        if bool() {
            var market = "period,definition,total_cny,measure,largest_unreported_share\n"
            for period in Set(periods).sorted() {
                market += "\(period),m,1000000000000000,,\(bool() ? "" : "0.\(int(1...99))")\n"
                if bool() { market += "\(period),m,1000000000000000,originations,\n" }
            }
            files["market.csv"] = market
        }
        if bool() {
            files["fx.csv"] = "date,usd_cny\n2020-01-01,\(["0.01", "1000", "6.5", "0.0100001"][int(0...3)])\n"
        }
        if bool() {
            var banksFile = "bank,type,region,tier1_capital_cny,total_loans_cny,online_only,owner_group\n"
            for bank in banks {
                let tier1 = bool() ? "" : amount()
                banksFile += "\(csvField(bank)),\(csvField(name("t"))),r,\(tier1 == "0" ? "1" : tier1),\(bool() ? "" : "1000000000000000"),"
                    + "\(bool()),\(bool() ? csvField(groups[0]) : "")\n"
            }
            files["banks.csv"] = banksFile
        }
        return files
    }
}

/// SwiftPM links an executable's entry point as `<Target>_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzPipeline_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

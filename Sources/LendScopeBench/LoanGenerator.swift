import Foundation

/// Deterministic loan data: about 12 platforms with Zipf-like shares, about 150 banks, dates in
/// 2019–2021, some quoted bank names with commas. Cached by (rows, seed).
struct LoanGenerator {
    let rows: Int
    let seed: UInt64

    /// SplitMix64: small, fast and the same everywhere.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    static let platforms = ["Huabei", "Jiebei", "Weilidai", "JD Baitiao", "JD Jintiao", "Youqianhua", "360 Jietiao",
                            "Lufax Puhui", "Meituan Yuefu", "Xiaomi Suishijie", "Fenqile", "Paipaidai"]
    static let statuses = ["current", "repaid", "overdue", "default", "written_off"]

    /// The platform groups of the generated platforms, as the sample data groups them.
    static let groups = ["Huabei": "Ant Group", "Jiebei": "Ant Group", "Weilidai": "WeBank (Tencent)", "JD Baitiao": "JD Technology",
                         "JD Jintiao": "JD Technology", "Youqianhua": "Du Xiaoman", "360 Jietiao": "360 DigiTech",
                         "Lufax Puhui": "Lufax", "Meituan Yuefu": "Meituan", "Xiaomi Suishijie": "Xiaomi Finance",
                         "Fenqile": "Lexin", "Paipaidai": "FinVolution"]

    /// Writes `platforms.csv` (platform, group) for the generated data; returns its path.
    static func platformsFile(in directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/platforms.csv"
        let text = "platform,group\n" + platforms.map { "\($0),\(groups[$0]!)\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func file(in directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/loans-\(rows)-\(seed).csv"
        if FileManager.default.fileExists(atPath: path) { return path }
        var random = Random(state: seed)
        // Zipf-like platform weights 1/k.
        let weights = (1...Self.platforms.count).map { 1.0 / Double($0) }
        let total = weights.reduce(0, +)
        var cumulative: [Double] = []
        var sum = 0.0
        for w in weights { sum += w / total; cumulative.append(sum) }
        let banks = (0..<150).map { i in i % 25 == 7 ? "\"Bank \(i), Branch \(i % 7)\"" : "Bank \(i)" }
        let handle = FileManager.default.createFile(atPath: path + ".tmp", contents: nil) ? FileHandle(forWritingAtPath: path + ".tmp")! : nil
        guard let handle else { throw CocoaError(.fileWriteUnknown) }
        var out = "loan_id,platform,bank,borrower_id,amount_cny,term_days,originated,rate_apr,status\n"
        for i in 0..<rows {
            let u = random.unit()
            let platform = Self.platforms[cumulative.firstIndex { u <= $0 } ?? Self.platforms.count - 1]
            let bank = banks[min(149, Int(pow(random.unit(), 2) * 150))]
            let borrower = random.below(max(1000, rows / 8))
            let cents = 50_000 + random.below(5_000_000)
            let year = 2019 + random.below(3), month = 1 + random.below(12), day = 1 + random.below(28)
            let status = Self.statuses[min(4, Int(pow(random.unit(), 6) * 5))]
            out += "L\(i),\(platform),\(bank),B\(borrower),\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100),"
                + "\([30, 90, 180, 360][random.below(4)]),\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),"
                + "0.\(10 + random.below(15))\(random.below(100)),\(status)\n"
            if out.utf8.count > 1 << 22 {
                handle.write(Data(out.utf8))
                out = ""
            }
        }
        handle.write(Data(out.utf8))
        handle.closeFile()
        try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
        return path
    }
}

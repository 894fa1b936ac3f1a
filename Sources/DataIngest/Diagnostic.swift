/// A problem in a data file, at a 1-based line and column, printed GNU style:
/// `sample-data/balances.csv:12:3: message` (lower case, no final period).
///
/// Columns count Unicode characters from 1 at the start of the line.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The path as the user would type it (the data directory as given, then the file name).
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(path):\(line):\(column): \(message)" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.path, lhs.line, lhs.column, lhs.message) < (rhs.path, rhs.line, rhs.column, rhs.message)
    }
}

/// Every problem found in a data directory; loading fails whole, never with part of the data.
public struct IngestFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

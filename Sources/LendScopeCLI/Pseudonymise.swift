import ArgumentParser
import LoanSharing
import TerminalText

struct Pseudonymise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace borrower IDs in a loan file with HMAC-SHA256 pseudonyms under a shared key.",
        discussion: """
            Each platform runs this on its own files with the same key file; LendScope and the engine jobs then \
            find the same borrowers across platforms, and nobody who lacks the key can recover an ID. The key file \
            (at least 32 bytes, e.g. head -c 32 /dev/urandom > KEY; chmod 600 KEY) must not be readable by its group or others. \
            Every other byte of the file is kept; the output is written through a temporary file and a rename.
            """
    )

    @Option(help: ArgumentHelp("The shared secret key file (mode 600).", valueName: "file"), completion: .file())
    var keyFile: String

    @Option(help: "The column to pseudonymise.")
    var column: String = "borrower_id"

    @Argument(help: "The loan file to read.", completion: .file())
    var input: String

    @Argument(help: "Where to write the pseudonymised file.", completion: .file())
    var output: String

    func validate() throws {
        for (name, value) in [("--key-file", keyFile), ("--column", column), ("IN", input), ("OUT", output)] {
            if value.isEmpty || value.contains("\n") { throw ValidationError("\(name) takes a non-empty value without line breaks") }
        }
        if Aggregate.samePath(input, output) || Aggregate.samePath(keyFile, output) {
            throw ValidationError("OUT must not be the input or the key file")
        }
    }

    func run() throws {
        do {
            let key = try PseudonymKey.load(keyFile)
            try Pseudonymiser(key: key, column: column).run(input: input, output: output)
        } catch {
            StandardError.write(SafeText.sanitize("lendscope: \(error)") + "\n")
            throw ExitCode.failure
        }
    }
}

import Foundation

/// Names are compared and shown in Unicode NFC, so `é` typed two ways is one bank.
enum TextNormalization {
    static func nfc(_ text: String) -> String {
        text.isASCII ? text : text.precomposedStringWithCanonicalMapping
    }
}

extension String {
    var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}

// swift-tools-version:6.0
// libFuzzer target for the CSV reader and the data validator. A package of its own because
// SwiftPM cannot link a fuzzer into the main test build. Build and run:
//   swift build -c release --package-path Tests/Fuzz -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no Tests/Fuzz/.build/release/FuzzIngest -max_total_time=60 Tests/Fuzz/Corpus
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "LendScopeFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        // libFuzzer's driver, called by both targets' entry points.
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "FuzzIngest",
            dependencies: ["FuzzDriver", .product(name: "DataIngest", package: root.lastPathComponent)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // The whole pipeline: generated valid-but-extreme directories through every analysis, report and view.
        .executableTarget(
            name: "FuzzPipeline",
            dependencies: ["FuzzDriver", .product(name: "DataIngest", package: root.lastPathComponent),
                           .product(name: "LendScopePipeline", package: root.lastPathComponent)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)

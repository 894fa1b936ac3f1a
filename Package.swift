// swift-tools-version:6.0
// The manifest reads as the architecture: each target says its role, and imports point down.
import PackageDescription

let package = Package(
    name: "LendScope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lendscope", targets: ["LendScopeCLI"]),
        .executable(name: "lendscope-bench", targets: ["LendScopeBench"]),
        // For the fuzzing package in Tests/Fuzz (SwiftPM cannot link a fuzzer into the test build).
        .library(name: "DataIngest", targets: ["DataIngest"]),
        .library(name: "LendScopePipeline", targets: ["MarketAnalytics", "MarketReport", "DashboardUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Pure values: shares, concentration indices, HHI bounds, mergers, guideline verdicts, dependence. No I/O.
        .target(name: "MarketAnalytics"),
        // Untrusted text made safe for a terminal: sanitising and display width (CJK-aware). No I/O.
        .target(name: "TerminalText"),
        // Files → validated MarketAnalytics values; byte-level CSV reader; errors as "file:line:column: message".
        .target(name: "DataIngest", dependencies: ["MarketAnalytics", "TerminalText", "EngineJobs",
                                                   .product(name: "Crypto", package: "swift-crypto")]),
        // Loan data shared without identities: borrower IDs replaced by HMAC-SHA256 pseudonyms
        // under a shared key (swift-crypto), streamed; the key file's permissions checked.
        .target(name: "LoanSharing", dependencies: ["TerminalText", .product(name: "Crypto", package: "swift-crypto")]),
        // LendScope's loan tables as DuckDB and Spark SQL jobs (`lendscope sql`), and the engine/ table contract. Pure
        // text; EngineRunner holds lendscope_job.py, the runner `lendscope sql --write-runner` writes.
        .target(name: "EngineJobs", dependencies: ["MarketAnalytics"]),
        // A period's figures as table, JSON, CSV or Markdown text. Pure.
        .target(name: "MarketReport", dependencies: ["MarketAnalytics", "TerminalText", "EngineJobs"]),
        // The dashboard without a terminal: state, actions, reducer, key table, widgets → ScreenBuffer.
        .target(name: "DashboardUI", dependencies: ["MarketAnalytics", "MarketReport", "TerminalText"]),
        // The event loop without a terminal: generic over the backend, with the clock, the readiness
        // source, the reload worker and the watcher injected (unit-tested with doubles).
        .target(name: "DashboardRuntime", dependencies: ["DashboardUI", "DataIngest", "MarketAnalytics"]),
        // The C door to ncurses: a module map and a header of shims, no code.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // ScreenBuffer → ncurses and ncurses keys → Key. The only Swift that calls curses.
        .target(name: "NcursesBackend", dependencies: ["DashboardUI", "CNcurses"]),
        // The `lendscope` executable: argument parsing and wiring only.
        .executableTarget(
            name: "LendScopeCLI",
            dependencies: [
                "MarketAnalytics", "DataIngest", "MarketReport", "TerminalText", "DashboardUI", "DashboardRuntime", "NcursesBackend",
                "LoanSharing", "EngineJobs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The loan-ingest benchmark: generates data, times lendscope aggregate against cat and DuckDB.
        .executableTarget(
            name: "LendScopeBench",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "MarketAnalyticsTests", dependencies: ["MarketAnalytics"]),
        .testTarget(name: "TerminalTextTests", dependencies: ["TerminalText"]),
        .testTarget(name: "DataIngestTests", dependencies: ["DataIngest", "MarketAnalytics", "EngineJobs"]),
        .testTarget(name: "MarketReportTests", dependencies: ["MarketReport", "MarketAnalytics", "DataIngest", "EngineJobs"]),
        .testTarget(name: "DashboardUITests", dependencies: ["DashboardUI", "MarketAnalytics", "MarketReport", "DataIngest", "TerminalText"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "DashboardRuntimeTests",
                    dependencies: ["DashboardRuntime", "DashboardUI", "DataIngest", "MarketAnalytics"]),
        .testTarget(name: "LendScopeCLITests", dependencies: ["LendScopeCLI", "DashboardUI"]),
        .testTarget(name: "EngineJobsTests", dependencies: ["EngineJobs", "MarketAnalytics"]),
        .testTarget(name: "LoanSharingTests", dependencies: ["LoanSharing", .product(name: "Crypto", package: "swift-crypto")]),
    ]
)

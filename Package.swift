// swift-tools-version:6.1
import Foundation
import PackageDescription

// Fuzz/run.sh sets CVAT_LINT_FUZZ=1: the library is then built with AddressSanitizer and coverage for
// libFuzzer, and the fuzz target links libFuzzer. Ordinary builds carry no unsafe flags.
let fuzzing = ProcessInfo.processInfo.environment["CVAT_LINT_FUZZ"] != nil
let instrumented: [SwiftSetting] = fuzzing
    ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []
// The library is optimised in debug builds too: `apply` traces masks pixel by pixel, and the tests run
// it over every fixture and the corpus (unoptimised, one corpus export's masks take minutes).
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "cvat-lint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cvat-lint", targets: ["cvat-lint"]),
        .library(name: "CVATLint", targets: ["CVATLint"]),
        .library(name: "CVATLintRules", targets: ["CVATLintRules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libxml2 from the system (Debian: libxml2-dev).
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // A few lines of C for what Swift cannot write: a variadic callback that silences libxml2.
        .target(name: "CVATLintSupport", dependencies: ["CLibXML2"]),
        // The library: export access, streaming reader, schema validation, model, engine, reports.
        .target(
            name: "CVATLint",
            dependencies: [
                "CLibXML2",
                "CVATLintSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: instrumented + optimised
        ),
        // The rule catalogue: one file per rule, plus the XSDs and target profiles as data.
        .target(
            name: "CVATLintRules",
            dependencies: ["CVATLint"],
            path: "Rules",
            exclude: ["Schemas", "Profiles"],
            swiftSettings: instrumented,
            plugins: ["EmbedResources"]
        ),
        // The command line: flags to options, nothing more.
        .executableTarget(
            name: "cvat-lint",
            dependencies: [
                "CVATLint",
                "CVATLintRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer target over the library's check of in-memory bytes (Fuzz/run.sh builds it with
        // -sanitize=fuzzer,address); built plainly it replays inputs given as arguments.
        .executableTarget(
            name: "cvat-lint-fuzz",
            dependencies: ["CVATLint", "CVATLintRules"],
            path: "Fuzz/Target",
            swiftSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : [],
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])] : []
        ),
        // Build-time helper: turns Rules/Schemas and Rules/Profiles into Swift string constants,
        // so the built tool carries its data and works from any directory.
        .executableTarget(name: "embed-resources", path: "Sources/embed-resources"),
        .plugin(
            name: "EmbedResources",
            capability: .buildTool(),
            dependencies: ["embed-resources"]
        ),
        .testTarget(
            name: "CVATLintTests",
            dependencies: ["CVATLint", "CVATLintRules", "cvat-lint", .product(name: "Yams", package: "Yams")],
            // Golden reports are read by path, not bundled.
            exclude: ["Golden"]
        ),
    ]
)

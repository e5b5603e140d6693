// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only on the ones before it:
// CLibXML2 (system library) → ISConfXML (XML core) → ISConfDomain (models, rules, enable)
// → ISConfWatch (the daemon) → isconf (CLI).
let package = Package(
    name: "isconf",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "isconf", targets: ["isconf"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Linux declarations Glibc's module leaves out (renameat2, signalfd, pthread_setname_np).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "ISConfXML", dependencies: ["CLibXML2", "CLinux"], path: "Sources/ISConfXML"),
        .target(name: "ISConfDomain", dependencies: ["ISConfXML"], path: "Sources/ISConfDomain"),
        .target(
            name: "ISConfWatch",
            dependencies: [
                "ISConfDomain",
                "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/ISConfWatch"
        ),
        .executableTarget(
            name: "isconf",
            dependencies: [
                "ISConfDomain",
                "ISConfWatch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/isconf",
            // SwiftPM exports every symbol of an executable; nothing loads isconf as a library, and
            // at each start the runtime's dladdr() walks that table linearly.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
        ),
        // Fuzz harness (stress/): `make fuzz` builds it with -sanitize=fuzzer -DFUZZING for libFuzzer;
        // a plain build makes a deterministic random-mutation driver of the same harness.
        .executableTarget(
            name: "ISConfFuzz",
            dependencies: ["ISConfDomain", "ISConfXML"],
            path: "Sources/ISConfFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .testTarget(name: "ISConfXMLTests", dependencies: ["ISConfXML"], path: "Tests/ISConfXMLTests"),
        .testTarget(name: "ISConfDomainTests", dependencies: ["ISConfDomain"], path: "Tests/ISConfDomainTests"),
        .testTarget(name: "ISConfWatchTests", dependencies: ["ISConfWatch"], path: "Tests/ISConfWatchTests"),
        .testTarget(name: "ISConfCLITests", dependencies: ["ISConfDomain"], path: "Tests/ISConfCLITests"),
    ]
)

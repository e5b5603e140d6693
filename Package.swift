// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only on the ones before it:
// CLibXML2 (system library) → ISConfXML (XML core; also the source, position and safe-writer
// types every layer shares) → ISConfTOML (deployment.toml with byte spans, beside the XML core) and
// ISConfTrustStore (JKS / PKCS#12 without a JVM) → ISConfDomain (models, rules, enable)
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
        // 4.x: its modules import FoundationEssentials, not the whole of Foundation.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
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
        .target(
            name: "ISConfTOML",
            dependencies: ["ISConfXML"],
            path: "Sources/ISConfTOML"
        ),
        .target(
            name: "ISConfTrustStore",
            dependencies: [
                "ISConfXML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Sources/ISConfTrustStore"
        ),
        .target(name: "ISConfDomain", dependencies: ["ISConfXML", "ISConfTOML", "ISConfTrustStore"], path: "Sources/ISConfDomain"),
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
        .testTarget(name: "ISConfTOMLTests", dependencies: ["ISConfTOML"], path: "Tests/ISConfTOMLTests"),
        .testTarget(name: "ISConfTrustStoreTests", dependencies: ["ISConfTrustStore"], path: "Tests/ISConfTrustStoreTests"),
        .testTarget(name: "ISConfDomainTests", dependencies: ["ISConfDomain"], path: "Tests/ISConfDomainTests"),
        .testTarget(name: "ISConfWatchTests", dependencies: ["ISConfWatch"], path: "Tests/ISConfWatchTests"),
        .testTarget(name: "ISConfCLITests", dependencies: ["ISConfDomain"], path: "Tests/ISConfCLITests"),
    ]
)

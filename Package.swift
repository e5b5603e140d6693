// swift-tools-version:6.0
import PackageDescription

// Layers, each depending only on the ones before it:
// 1. CLibXML2, CLinux (system libraries behind one shim each);
// 2. ISConfCore (positions, spans, input errors, source files, the safe writer, diffs), and beside
//    it ISConfXML (the only importer of libxml2), ISConfTOML (deployment.toml with byte spans) and
//    ISConfTrustStore (JKS / PKCS#12 without a JVM);
// 3. ISConfDomain (models, rules, enable), then ISConfWatch (the daemon's engine);
// 4. ISConfCommandLine (what both executables' commands share), then the executables: isconf
//    (lint, enable, rules, truststore) and isconf-watch, which alone links the server libraries
//    (NIO, service-lifecycle, prometheus, log): every library linked into a binary is scanned at
//    each of its starts.
let package = Package(
    name: "isconf",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "isconf", targets: ["isconf"]),
        .executable(name: "isconf-watch", targets: ["isconf-watch"]),
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
        .target(name: "ISConfCore", dependencies: ["CLinux"], path: "Sources/ISConfCore"),
        .target(name: "ISConfXML", dependencies: ["CLibXML2", "ISConfCore"], path: "Sources/ISConfXML"),
        .target(
            name: "ISConfTOML",
            dependencies: ["ISConfCore"],
            path: "Sources/ISConfTOML"
        ),
        .target(
            name: "ISConfTrustStore",
            dependencies: [
                "ISConfCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Sources/ISConfTrustStore"
        ),
        .target(
            name: "ISConfDomain",
            dependencies: ["ISConfCore", "ISConfXML", "ISConfTOML", "ISConfTrustStore"],
            path: "Sources/ISConfDomain"
        ),
        .target(
            name: "ISConfWatch",
            dependencies: [
                "ISConfCore",
                "ISConfDomain",
                "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/ISConfWatch"
        ),
        .target(
            name: "ISConfCommandLine",
            dependencies: [
                "ISConfCore",
                "ISConfDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ISConfCommandLine"
        ),
        .executableTarget(
            name: "isconf",
            dependencies: [
                "ISConfCore",
                "ISConfDomain",
                "ISConfTrustStore",
                "ISConfCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/isconf",
            exclude: ["isconf.order"],
            // SwiftPM exports every symbol of an executable; nothing loads isconf as a library, and
            // at each start the runtime's dladdr() walks that table linearly.
            // The release link lays out first, side by side, the functions a start, a lint and an
            // enable run (isconf.order, from scripts/order-file.py): spread over the binary, they made
            // the kernel map 64 KiB around each page touched (a lint's peak RSS 15.6 → 13.4 MiB).
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-export-dynamic"]),
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/isconf/isconf.order",
                        "-Xlinker", "--no-warn-symbol-ordering",
                    ], .when(configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "isconf-watch",
            dependencies: [
                "ISConfCore",
                "ISConfDomain",
                "ISConfWatch",
                "ISConfCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/isconf-watch",
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
        ),
        // Fuzz harness (stress/): `make fuzz` builds it with -sanitize=fuzzer -DFUZZING for libFuzzer;
        // a plain build makes a deterministic random-mutation driver of the same harness.
        .executableTarget(
            name: "ISConfFuzz",
            dependencies: ["ISConfCore", "ISConfXML", "ISConfDomain"],
            path: "Sources/ISConfFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // What several test targets share: scratch folders, the shared corpus, running other programs,
        // a seeded random generator. Linked into test bundles only.
        .target(name: "ISConfTestSupport", path: "Tests/ISConfTestSupport"),
        .testTarget(
            name: "ISConfXMLTests",
            dependencies: ["ISConfCore", "ISConfXML", "ISConfTestSupport"],
            path: "Tests/ISConfXMLTests"
        ),
        .testTarget(
            name: "ISConfTOMLTests",
            dependencies: ["ISConfCore", "ISConfTOML", "ISConfTestSupport"],
            path: "Tests/ISConfTOMLTests"
        ),
        .testTarget(
            name: "ISConfTrustStoreTests",
            // swift-certificates: the reference the certificate reader is held to, in tests only.
            dependencies: [
                "ISConfCore", "ISConfTrustStore", "ISConfTestSupport",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/ISConfTrustStoreTests"
        ),
        .testTarget(
            name: "ISConfDomainTests",
            dependencies: ["ISConfCore", "ISConfXML", "ISConfTOML", "ISConfTrustStore", "ISConfDomain", "ISConfTestSupport"],
            path: "Tests/ISConfDomainTests"
        ),
        .testTarget(
            name: "ISConfWatchTests",
            dependencies: [
                "ISConfWatch",
                "ISConfDomain",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ISConfWatchTests"
        ),
        .testTarget(
            name: "ISConfCLITests",
            dependencies: ["ISConfCore", "ISConfDomain", "ISConfTrustStore", "ISConfTestSupport"],
            path: "Tests/ISConfCLITests"
        ),
    ]
)

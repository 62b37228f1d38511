// swift-tools-version: 6.2
//
// The NanoServices benchmark suite. A separate package so that the main
// package's `swift test` never builds SwiftNIO. Run it from this folder:
//
//     swift run -c release nano-bench            # full run (a few minutes)
//     swift run -c release nano-bench --quick    # smoke run (seconds)
import PackageDescription

let package = Package(
    name: "NanoBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nano-bench", targets: ["NanoBench"]),
    ],
    dependencies: [
        .package(name: "NanoServices", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "NanoBench",
            dependencies: [
                .product(name: "NanoServices", package: "NanoServices"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.2
import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "NanoServices",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NanoServices", targets: ["NanoServices"]),
        // Supervisors and groups of services as swift-service-lifecycle `Service`s; a separate
        // product so that the core does not depend on ServiceLifecycle.
        .library(name: "NanoServicesLifecycle", targets: ["NanoServicesLifecycle"]),
        .executable(name: "nano-demo", targets: ["NanoDemo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/pointfreeco/swift-macro-testing", from: "0.7.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Linux primitives the runtime needs and Swift cannot reach directly:
        // futex park/unpark, gettid, a CPU pause hint, thread-local slots.
        .target(name: "CNanoServicesShims"),
        // The compiler plug-in that expands `@NanoService`.
        .macro(
            name: "NanoServicesMacros",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
            ]
        ),
        // The library users import: macro declarations and the runtime.
        .target(
            name: "NanoServices",
            dependencies: [
                "CNanoServicesShims",
                "NanoServicesMacros",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ]
        ),
        .target(
            name: "NanoServicesLifecycle",
            dependencies: [
                "NanoServices",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "NanoDemo", dependencies: ["NanoServices"]),
        .testTarget(
            name: "NanoServicesTests",
            dependencies: [
                "NanoServices", "CNanoServicesShims",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The README's quick start in a target whose default isolation is the main actor (the
        // default of new app targets in Xcode): generated code must compile there too.
        .testTarget(
            name: "DefaultIsolationTests",
            dependencies: ["NanoServices"],
            swiftSettings: [.defaultIsolation(MainActor.self)]
        ),
        // Three programs written from the README alone (a cache, a pipeline, a chat room on a
        // pool); any warning, also in macro-generated code, fails the build.
        .testTarget(
            name: "ReadmeProgramsTests",
            dependencies: ["NanoServices", .product(name: "InMemoryLogging", package: "swift-log")],
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
        .testTarget(
            name: "NanoServicesLifecycleTests",
            dependencies: [
                "NanoServicesLifecycle",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NanoServicesMacrosTests",
            dependencies: [
                "NanoServicesMacros",
                .product(name: "MacroTesting", package: "swift-macro-testing"),
                .product(name: "SwiftSyntaxMacrosTestSupport", package: "swift-syntax"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

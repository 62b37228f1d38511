// swift-tools-version: 6.2
//
// NanoServicesRemote: nano services across processes over gRPC (issue 14).
// A separate package so that the core package (`..`) never builds gRPC, SwiftNIO or
// swift-service-lifecycle. Users who need remote services add this package's
// `NanoServicesRemote` product; everyone else pays nothing. Test it from this folder:
//
//     swift test
import PackageDescription

let package = Package(
    name: "NanoServicesRemote",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NanoServicesRemote", targets: ["NanoServicesRemote"]),
        .executable(name: "nano-remote-example", targets: ["NanoRemoteExample"]),
        .executable(name: "nano-remote-bench", targets: ["NanoRemoteBench"]),
    ],
    dependencies: [
        .package(name: "NanoServices", path: ".."),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    ],
    targets: [
        .target(
            name: "NanoServicesRemote",
            dependencies: [
                .product(name: "NanoServices", package: "NanoServices"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ]
        ),
        // The README's two-process example; the two-process tests start it as the host.
        .executableTarget(
            name: "NanoRemoteExample",
            dependencies: [
                "NanoServicesRemote",
                .product(name: "NanoServices", package: "NanoServices"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "NanoRemoteBench",
            dependencies: [
                "NanoServicesRemote",
                .product(name: "NanoServices", package: "NanoServices"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),
        .testTarget(
            name: "NanoServicesRemoteTests",
            dependencies: [
                "NanoServicesRemote",
                "NanoRemoteExample",
                .product(name: "NanoServices", package: "NanoServices"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: Swift 6 strict concurrency plus the upcoming features the model
/// codebases (swift-nio, hummingbird, swift-log) enable, so C modules and implementation imports
/// never leak through a public API by accident.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The benchmark and capture tools (checks-bench, reconciler-bench, ipvs-bench, ipvs-capture) sit
// in Benchmarks/ (each target's `path:`), out of the product's Sources/, yet stay in this package:
// the scripts and the VM tests build them with `swift build --product` and find them beside
// gorb-reconcile. Benchmarks/Package.swift is another package, the YAML benchmark's (for Yams).
let package = Package(
    name: "gorb-reconcile",
    products: [
        .executable(name: "gorb-reconcile", targets: ["gorb-reconcile"]),
        .library(name: "YAMLBridge", targets: ["YAMLBridge"]),
        .library(name: "Spec", targets: ["Spec"]),
        .library(name: "Addresses", targets: ["Addresses"]),
        .library(name: "Netlink", targets: ["Netlink"]),
        .library(name: "IPVS", targets: ["IPVS"]),
        .library(name: "IPVSTesting", targets: ["IPVSTesting"]),
        .library(name: "Checks", targets: ["Checks"]),
        .executable(name: "ipvs-bench", targets: ["ipvs-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "YAMLBridge",
            dependencies: ["CYAML"],
            swiftSettings: strictSettings
        ),
        // The one address, address family and transport protocol type of the whole project: a leaf,
        // so the file model, the health checks and the IPVS client share it without knowing each other.
        .target(
            name: "Addresses",
            swiftSettings: strictSettings
        ),
        // systemd's sd_notify datagram protocol ($NOTIFY_SOCKET), spoken directly: readiness,
        // reload, status and the watchdog. No dependency, so tests can use it alone.
        .target(
            name: "SystemdNotify",
            swiftSettings: strictSettings
        ),
        .target(
            name: "SeededRandom",
            swiftSettings: strictSettings
        ),
        // A value published by one owner and followed by many readers, latest wins: how the loop
        // hands its state to consumers without ever waiting for them.
        .target(
            name: "Publishing",
            swiftSettings: strictSettings
        ),
        // BIRD's control socket (unix, reply codes), spoken in Swift: the BGP announcer's way to
        // have BIRD re-read the routes file. No dependency: blocking I/O with deadlines.
        .target(
            name: "BIRDControl",
            swiftSettings: strictSettings
        ),
        // The BGP announcer: which VIPs this host announces (a pure planner over the published
        // state), the routes files BIRD includes, and the lifecycle service that drives BIRD.
        .target(
            name: "BGP",
            dependencies: [
                "BIRDControl",
                "Reconciler",
                "Checks",
                "Spec",
                "Addresses",
                "Publishing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BGPTests",
            dependencies: [
                "BGP", "BIRDControl", "Reconciler", "Checks", "Spec", "Addresses", "Publishing", "IPVS", "IPVSTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BIRDControlTests",
            dependencies: ["BIRDControl"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Spec",
            dependencies: ["YAMLBridge", "Addresses"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Reconciler",
            dependencies: [
                "Spec",
                "IPVS",
                "Addresses",
                "Checks",
                "Publishing",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The fleet store: the REST API's overlay in etcd v3 (JSON gateway over AsyncHTTPClient),
        // shared by every balancer of a fleet.
        .target(
            name: "FleetStore",
            dependencies: [
                "Spec",
                "YAMLBridge",
                "Reconciler",
                "Publishing",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FleetStoreTests",
            dependencies: ["FleetStore", "Spec", "Reconciler", "YAMLBridge", .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "gorb-reconcile",
            dependencies: [
                "FleetStore",
                "BGP",
                "Spec",
                "IPVS",
                "IPVSTesting",
                "Publishing",
                "Reconciler",
                "Checks",
                "API",
                "VIPs",
                "RouteNetlink",
                "SystemdNotify",
                "Consul",
                "Addresses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Consul: registers the services in a Consul agent with TTL checks that follow the
        // published state (a consumer of the controller's state; issue 14).
        .target(
            name: "Consul",
            dependencies: [
                "Spec",
                "Reconciler",
                "Publishing",
                "Addresses",
                "IPVS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // A stand-in for a Consul agent's HTTP API, for tests only (no Consul can be installed on
        // these machines): a library the Swift tests run in-process, and a tiny executable the
        // host and VM scripts run next to a real daemon. Test code, outside the product's Sources/.
        .target(
            name: "ConsulAgentStandIn",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/ConsulAgentStandIn",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "consul-agent-standin",
            dependencies: [
                "ConsulAgentStandIn",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/consul-agent-standin",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConsulTests",
            dependencies: [
                "Consul",
                "ConsulAgentStandIn",
                "Spec",
                "Reconciler",
                "Checks",
                "IPVS",
                "IPVSTesting",
                "Addresses",
                "Publishing",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Netlink: the generic transport (socket, messages, attributes, family lookup). CNetlink
        // exposes the kernel's netlink/IPVS headers (constants, struct sizes) and nothing else; it
        // never leaks past Netlink's or IPVS's public API.
        .target(
            name: "CNetlink",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(
            name: "Netlink",
            dependencies: [
                "CNetlink",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // rtnetlink (NETLINK_ROUTE) over the Netlink transport: interface lookup and the address
        // table (RTM_GETLINK, RTM_GETADDR, RTM_NEWADDR, RTM_DELADDR), and an in-memory table.
        .target(
            name: "RouteNetlink",
            dependencies: [
                "Netlink",
                "Addresses",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The VIP keeper: a consumer of the published state that keeps each service's VIP as an
        // address on settings.vips.interface, owning only what it added; publishes VIPsState.
        .target(
            name: "VIPs",
            dependencies: [
                "RouteNetlink",
                "Reconciler",
                "Spec",
                "Addresses",
                "Publishing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RouteNetlinkTests",
            dependencies: [
                "RouteNetlink",
                "Netlink",
                "NetlinkTesting",
                "Addresses",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "VIPsTests",
            dependencies: [
                "VIPs",
                "RouteNetlink",
                "Reconciler",
                "Spec",
                "IPVSTesting",
                "Addresses",
                "Publishing",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // A scripted netlink socket that plays the kernel, for the tests of Netlink and of IPVS.
        .target(
            name: "NetlinkTesting",
            dependencies: ["Netlink"],
            swiftSettings: strictSettings
        ),
        // IPVS over Netlink: the model, its codec, the kernel client and ipvsadm syntax.
        .target(
            name: "IPVS",
            dependencies: [
                "Netlink",
                "Addresses",
                "CNetlink",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The in-memory FakeIPVS and the conformance scenarios that hold it to the kernel: used by
        // the tests of every module that drives IPVS, by the VM test, and by `--fake-kernel`. No
        // test framework in here: the scenarios return their failures, test targets assert.
        .target(
            name: "IPVSTesting",
            dependencies: ["IPVS", "Addresses"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ipvs-bench",
            dependencies: [
                "IPVS",
                "Netlink",
                "Addresses",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ipvs-bench",
            swiftSettings: strictSettings
        ),
        // The reconciler's native benchmark: planner, state file, a pass against FakeIPVS (docs/benchmarks.md).
        .executableTarget(
            name: "reconciler-bench",
            dependencies: ["Reconciler", "IPVS", "IPVSTesting", "Addresses", "Spec", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/reconciler-bench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ipvs-capture",
            dependencies: [
                "IPVS",
                "Netlink",
                "Addresses",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ipvs-capture",
            swiftSettings: strictSettings
        ),
        // Checks: health probes on SwiftNIO event loops, rise/fall, back-off, the weight ramp.
        .target(
            name: "Checks",
            dependencies: [
                "Spec",
                "Addresses",
                "SeededRandom",
                "Publishing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // The health-check benchmark: 10,000 loopback backends every second (docs/benchmarks.md).
        .executableTarget(
            name: "checks-bench",
            dependencies: [
                "Checks",
                "Spec",
                "Addresses",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/checks-bench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChecksTests",
            dependencies: [
                "Checks",
                "Spec",
                "Reconciler",
                "IPVS",
                "IPVSTesting",
                "Addresses",
                "Publishing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        // API: the REST API (Hummingbird 2), the overlay endpoints, status, metrics, OpenAPI.
        .target(
            name: "API",
            dependencies: [
                "BGP",
                "Spec",
                "Addresses",
                "YAMLBridge",
                "IPVS",
                "Reconciler",
                "Checks",
                "Publishing",
                "VIPs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Compiled into the binary, not a resource bundle: the Debian package ships one static
            // executable with nothing beside it (scripts/package-deb).
            // The web console (Console/: HTML, CSS, JavaScript, no build step) likewise.
            resources: [
                .embedInCode("openapi.json"),
                .embedInCode("Console/index.html"),
                .embedInCode("Console/console.js"),
                .embedInCode("Console/console.css"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API",
                "Spec",
                "IPVS",
                "IPVSTesting",
                "Addresses",
                "Reconciler",
                "Checks",
                "Publishing",
                "VIPs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NetlinkTests",
            dependencies: [
                "Netlink",
                "NetlinkTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IPVSTests",
            dependencies: [
                "IPVS",
                "IPVSTesting",
                "Netlink",
                "NetlinkTesting",
                "Addresses",
                "SeededRandom",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: ["Reconciler", "Spec", "IPVS", "IPVSTesting", "Addresses", "Checks", "Publishing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "YAMLBridgeTests",
            dependencies: ["YAMLBridge", "SeededRandom"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PublishingTests",
            dependencies: ["Publishing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SystemdNotifyTests",
            dependencies: ["SystemdNotify"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AddressesTests",
            dependencies: ["Addresses", "SeededRandom"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SpecTests",
            dependencies: ["Spec", "Addresses", "YAMLBridge"],
            swiftSettings: strictSettings
        ),
    ]
)

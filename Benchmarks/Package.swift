// swift-tools-version:6.1
import PackageDescription

/// Benchmarks of the YAML pipeline (issue 2), kept out of the root package so Yams never enters the
/// product's dependency graph.
///
/// Yams bundles its own copy of libyaml (same C symbols as the system library that our `CYAML`
/// wraps), so the two must never be linked into one binary: `yaml-bench` links our modules and the
/// system libyaml, `yams-bench` links only Yams. Both share the file generator and nothing else.
///
/// The other folders beside `Sources/` (checks-bench, reconciler-bench, ipvs-bench, ipvs-capture)
/// are targets of the root package, not of this one: they need nothing the product lacks, and the
/// scripts build them there with `swift build --product` (see ../Package.swift).
let package = Package(
    name: "gorb-benchmarks",
    dependencies: [
        .package(name: "gorb-reconcile", path: ".."),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // The deterministic gorb.yaml generator, the model types for Yams, and timing: plain Swift.
        .target(name: "BenchSupport"),
        // The system libyaml, for the floor (an event loop that does nothing else). Named apart from
        // the root package's `CYAML` because module names must be unique in one package graph.
        .systemLibrary(name: "CLibYAMLScan", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .executableTarget(
            name: "yaml-bench",
            dependencies: [
                "BenchSupport",
                "CLibYAMLScan",
                .product(name: "YAMLBridge", package: "gorb-reconcile"),
                .product(name: "Spec", package: "gorb-reconcile"),
            ]
        ),
        .executableTarget(
            name: "yams-bench",
            dependencies: ["BenchSupport", .product(name: "Yams", package: "Yams")]
        ),
    ]
)

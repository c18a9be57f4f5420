// Decodes the benchmark's gorb.yaml with Yams into equivalent Decodable types, for comparison with
// our pipeline. A separate binary from yaml-bench: Yams bundles its own libyaml. See
// docs/benchmarks.md.
import BenchSupport
import Yams

let options = Arguments(CommandLine.arguments)
let bytes: [UInt8]
if let file = options.file {
    bytes = try Files.read(file)
} else {
    bytes = Array(Generator.yaml(services: options.services, backends: options.backends).utf8)
}
let text = String(decoding: bytes, as: UTF8.self)

let decoded = try YAMLDecoder().decode(BenchConfig.self, from: text)
let counts = decoded.counts
print("input: \(bytes.count) bytes, \(counts.services) services, \(counts.backends) backends (\(counts.services + counts.backends) objects)")

let yams = Figures(measure(repetitions: options.repetitions) { _ = try? YAMLDecoder().decode(BenchConfig.self, from: text) })
print(yams.report(key: "yams", label: "(3) Yams YAMLDecoder (decode only)"))

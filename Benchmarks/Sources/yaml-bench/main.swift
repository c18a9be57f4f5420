// Measures our YAML pipeline on a generated gorb.yaml of 1,000 services x 10 backends against the
// floor: a loop that only pulls events from the same system libyaml. See docs/benchmarks.md.
#if canImport(Glibc)
import Glibc
#endif
import BenchSupport
import CLibYAMLScan
import Spec
import YAMLBridge

/// The floor: libyaml's event parser and nothing else (each event pulled and deleted).
func scanEvents(_ bytes: [UInt8]) -> Int {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    yaml_parser_initialize(parser)
    defer { yaml_parser_delete(parser) }
    var count = 0
    bytes.withUnsafeBufferPointer { buffer in
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
        var event = yaml_event_t()
        while yaml_parser_parse(parser, &event) == 1 {
            count += 1
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if done { break }
        }
    }
    return count
}

let options = Arguments(CommandLine.arguments)
let text = Generator.yaml(services: options.services, backends: options.backends)
let bytes = Array(text.utf8)
if let file = options.file {
    try Files.write(bytes, to: file)
}

// Profiling: one stage only, no figures (`valgrind --tool=callgrind yaml-bench --only decode -n 3`).
if let stage = options.only {
    let node = try YAMLParser.parse(bytes)!
    for _ in 0..<options.repetitions {
        switch stage {
        case "scan": _ = scanEvents(bytes)
        case "tree": _ = try YAMLParser.parse(bytes)
        case "decode": _ = ConfigFile.read(from: node)
        default: _ = try Config.parse(bytes: bytes, file: "generated.yaml")
        }
    }
    exit(0)
}

// Check once that every stage sees the whole file, so no figure measures an early error.
let events = scanEvents(bytes)
let config: Config
do {
    config = try Config.parse(bytes: bytes, file: options.file ?? "generated.yaml")
} catch {
    print("the generated file does not validate:\n\(error)")
    exit(1)
}
let objects = config.services.count + config.backendCount
print("input: \(bytes.count) bytes, \(events) libyaml events, \(config.services.count) services, \(config.backendCount) backends (\(objects) objects)")
print("repetitions: \(options.repetitions) (after one warm-up run)")
if let file = options.file { print("file: \(file)") }

let scan = Figures(measure(repetitions: options.repetitions) { _ = scanEvents(bytes) })
print(scan.report(key: "scan", label: "(1) libyaml event scan (floor)"))

let tree = Figures(measure(repetitions: options.repetitions) { _ = try? YAMLParser.parse(bytes) })
print(tree.report(key: "tree", label: "    YAMLParser.parse (Node tree only)"))

let node = try YAMLParser.parse(bytes)!
let decode = Figures(measure(repetitions: options.repetitions) { _ = ConfigFile.read(from: node) })
print(decode.report(key: "decode", label: "    NodeReadable -> ConfigFile (tree given)"))

let full = Figures(measure(repetitions: options.repetitions) { _ = try? Config.parse(bytes: bytes, file: "generated.yaml") })
print(full.report(key: "ours", label: "(2) ours: parse + decode + validate"))

print("ratio ours/scan: \(format(full.median / scan.median))x median, \(format(full.min / scan.min))x min (goal <= 2x)")

import Spec
import YAMLBridge

/// The repository root, found from this file's path, so tests read the real `examples/`.
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

/// Parses YAML text as a config; returns the config or the rendered diagnostics.
func resolve(_ yaml: String, interface: String? = nil) -> Result<Config, Diagnostics> {
    do {
        return .success(try Config.parse(bytes: Array(yaml.utf8), file: "test.yaml", interface: interface))
    } catch {
        return .failure(error)
    }
}

/// The diagnostics of an invalid config (empty when it is valid).
func errors(_ yaml: String, interface: String? = nil) -> [Diagnostic] {
    if case .failure(let diagnostics) = resolve(yaml, interface: interface) { return diagnostics.items }
    return []
}

/// The config of a valid text; records an issue and returns an empty config otherwise.
func config(_ yaml: String, interface: String? = nil) throws -> Config {
    switch resolve(yaml, interface: interface) {
    case .success(let config): return config
    case .failure(let diagnostics): throw diagnostics
    }
}

/// How a bad key of a mapping is reported, worded once for ``MappingReader`` and its callers.
enum KeyDiagnostics {
    /// A key that is a list, a mapping or a null, in the mapping at `path`.
    static func notAString(_ key: Node, in path: [PathComponent]) -> Diagnostic {
        Diagnostic(mark: key.mark, path: path, message: "a key must be a plain string, found \(key.kindDescription)")
    }

    /// A key `name` that is none of `known`, in the mapping at `path`: the likely typo, or the
    /// whole list when nothing is close.
    static func unknown(_ name: String, known: [String], at mark: Mark, in path: [PathComponent]) -> Diagnostic {
        var message = "unknown key '\(name)'"
        if let suggestion = Suggestion.closest(to: name, among: known) {
            message += " (did you mean '\(suggestion)'?)"
        } else {
            message += " (expected one of: \(known.sorted().joined(separator: ", ")))"
        }
        return Diagnostic(mark: mark, path: path + [.key(name)], message: message)
    }
}

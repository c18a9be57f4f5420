/// One problem found in a user's input, rendered the way compilers do (`FILE:LINE:COL: error: …`)
/// so editors, CI logs and `grep` all understand it.
///
/// Parsing, decoding and validation all report through this one type, which is what lets
/// `gorb-reconcile validate` print every error of a file at once, sorted by position.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in, as the user named it; `nil` for input that has no file
    /// (a REST request body).
    public var file: String?
    /// Where in the input; `nil` only when the input could not be read at all.
    public var mark: Mark?
    /// The key path of the offending value (`services.web.port`), empty at the document root.
    public var path: [PathComponent]
    /// What is wrong, phrased so the reader knows what to change.
    public var message: String

    public init(file: String? = nil, mark: Mark?, path: [PathComponent] = [], message: String) {
        self.file = file
        self.mark = mark
        self.path = path
        self.message = message
    }

    /// The key path as written in the document: `services.web.backends.web-1.port`, `flags[1]`.
    public var pathDescription: String { PathComponent.render(path) }

    /// `FILE:LINE:COL: error: PATH: MESSAGE`, leaving out the parts that are unknown.
    public var description: String {
        var prefix = ""
        if let file { prefix += file + ":" }
        if let mark { prefix += "\(mark.line):\(mark.column):" }
        if !prefix.isEmpty { prefix += " " }
        let location = path.isEmpty ? "" : pathDescription + ": "
        return prefix + "error: " + location + message
    }

    /// The same diagnostic attributed to `file` (used once a document's name is known).
    public func inFile(_ file: String?) -> Diagnostic {
        var copy = self
        copy.file = file
        return copy
    }
}

/// One step of a key path: a mapping key or a sequence index.
public enum PathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): "[\(index)]"
        }
    }

    /// Joins components as `a.b[2].c`.
    public static func render(_ path: [PathComponent]) -> String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}

/// Several diagnostics thrown together: the whole list of what is wrong with one input.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    /// Sorts `items` by position; items without a position come first, and items at the same
    /// position keep the order they were found in (so the output is the same on every run).
    public init(_ items: [Diagnostic]) {
        let origin = Mark(line: 0, column: 0)
        self.items = items.enumerated()
            .sorted { ($0.element.mark ?? origin, $0.offset) < ($1.element.mark ?? origin, $1.offset) }
            .map(\.element)
    }

    /// The same diagnostics attributed to `file`.
    public func inFile(_ file: String?) -> Diagnostics {
        var copy = self
        copy.items = items.map { $0.inFile(file) }
        return copy
    }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}

/// What the hand-written readers of one document share (``NodeReadable``): every problem found so
/// far, and the key path of the value being read.
///
/// A value passed `inout` down the readers rather than an object, so reading a field costs no
/// retain: the path is a stack that each reader pushes its key onto while it reads the value under
/// it, and is copied only into a diagnostic.
public struct ReadContext {
    /// The problems found so far, in the order found.
    public internal(set) var diagnostics: [Diagnostic] = []
    /// The key path of the value being read, from the document root.
    public private(set) var path: [PathComponent]

    /// A context for reading a value found at `path` (empty: the document root).
    public init(path: [PathComponent] = []) {
        self.path = path
    }

    /// Makes `key` the last component of the path, while the value under it is read.
    public mutating func enter(_ key: String) {
        path.append(.key(key))
    }

    /// Makes item `index` of a list the last component of the path, while it is read.
    public mutating func enter(index: Int) {
        path.append(.index(index))
    }

    /// Ends what ``enter(_:)`` or ``enter(index:)`` began.
    public mutating func leave() {
        path.removeLast()
    }

    /// Records `failure` at the current path (or its own) and lets reading go on.
    public mutating func record(_ failure: ReadFailure) {
        diagnostics.append(diagnostic(for: failure))
    }

    /// `failure` as a diagnostic at the current path (or its own).
    func diagnostic(for failure: ReadFailure) -> Diagnostic {
        Diagnostic(mark: failure.mark, path: failure.path ?? path, message: failure.message)
    }

    /// Records a problem that has its own path (a key, which is not the value being read).
    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }
}

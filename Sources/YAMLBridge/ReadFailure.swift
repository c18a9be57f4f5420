/// Why a value could not be read: where it is and what is wrong with it.
///
/// It usually carries no key path: the reader that asked for the value knows where it is and adds
/// its path when it records the failure (``ReadContext/record(_:)``), so nothing on the hot path
/// builds a path that only an error needs.
public struct ReadFailure: Error, Sendable {
    /// The position of the value.
    public var mark: Mark
    /// What is wrong, phrased like every other diagnostic ("expected an integer, found \"x\"").
    public var message: String
    /// The key path of the value when it lies deeper than the reader that records the failure
    /// (an item that fails its whole list); `nil`: the recording reader's path.
    public var path: [PathComponent]?

    public init(mark: Mark, message: String) {
        self.mark = mark
        self.message = message
    }

    /// "expected `expected`, found `node`'s kind", at `node`.
    public init(_ node: Node, expected: String) {
        self.init(mark: node.mark, message: "expected \(expected), found \(node.kindDescription)")
    }

    /// The failure placed at `path`, unless it already has a deeper one.
    public func at(_ path: [PathComponent]) -> ReadFailure {
        var placed = self
        if placed.path == nil { placed.path = path }
        return placed
    }
}

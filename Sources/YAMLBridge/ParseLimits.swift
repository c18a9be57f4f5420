/// Bounds that keep hostile or broken input from exhausting the daemon.
///
/// A config file is trusted more than a network request, but not blindly: a copy-paste accident
/// can nest thousands of levels deep, and an alias bomb ("billion laughs") expands a few hundred
/// bytes into billions of nodes. Both are refused with a positioned error instead.
public struct ParseLimits: Sendable, Hashable {
    /// The deepest nesting of sequences and mappings accepted.
    ///
    /// Parsing itself never recurses, but whatever walks the tree afterwards does (a `NodeReadable`
    /// type reading nested values, `==` on nodes, releasing the tree), a few hundred bytes of stack
    /// per level: keep this in the hundreds or low thousands, far below what a thread's stack
    /// (512 KiB on some secondary threads) holds.
    public var maxDepth: Int
    /// The most nodes that aliases may add by expansion, over the whole document.
    public var maxAliasedNodes: Int
    /// The largest input accepted, in bytes.
    public var maxBytes: Int

    public init(maxDepth: Int = 256, maxAliasedNodes: Int = 1_000_000, maxBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxAliasedNodes = maxAliasedNodes
        self.maxBytes = maxBytes
    }

    /// The defaults: room for any real configuration, nothing more.
    public static let standard = ParseLimits()
}

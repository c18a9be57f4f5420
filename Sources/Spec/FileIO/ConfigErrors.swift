public import YAMLBridge

/// Why a config file (or the file with the REST API's overrides on top) is not valid: every
/// problem, sorted by position, in the words the user reads.
///
/// The error of the entry points other modules use (``ValidatedFile/load(path:interface:)``,
/// ``ValidatedFile/resolve(_:reusing:)``): they report and log problems, never look inside the
/// document, so they need no YAML types to do it.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Item: Sendable, Hashable, CustomStringConvertible {
        /// `FILE:LINE:COL: error: PATH: MESSAGE`, leaving out the parts that are unknown.
        public var description: String
        /// The key path of the offending value (`services.web.port`); empty at the document root.
        public var pathDescription: String
        /// What is wrong, without position or path.
        public var message: String
    }

    /// Every problem, sorted by position.
    public var items: [Item]

    /// The problems that `diagnostics` holds, rendered.
    public init(_ diagnostics: Diagnostics) {
        items = diagnostics.items.map { Item(description: $0.description, pathDescription: $0.pathDescription, message: $0.message) }
    }

    /// One line per problem, as `gorb-reconcile validate` prints them.
    public var description: String { items.map(\.description).joined(separator: "\n") }
}

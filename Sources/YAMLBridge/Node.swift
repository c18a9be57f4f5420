/// A parsed YAML (or JSON) document: scalars, sequences and mappings, each with the position it
/// came from.
///
/// This is a Sendable value produced once from libyaml's events; nothing of libyaml survives
/// parsing. Aliases are already resolved (and merge keys `<<` applied), so consumers never see
/// anchors. Mappings keep document order, which is how services keep the order the operator wrote.
public struct Node: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case scalar(Scalar)
        case sequence([Node])
        case mapping([Pair])
    }

    public var kind: Kind
    /// The position of the node's first character.
    public var mark: Mark
    /// An explicit tag (`!!str`, `!custom`), fully resolved (`tag:yaml.org,2002:str`); `nil` when
    /// the document gave none.
    public var tag: String?

    public init(_ kind: Kind, mark: Mark, tag: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.tag = tag
    }

    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var pairs: [Pair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The items, if this node is a sequence.
    public var items: [Node]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The value for a scalar key, if this node is a mapping that has it.
    public subscript(key: String) -> Node? {
        pairs?.first { $0.key.scalar?.value == key }?.value
    }

    /// True for YAML's null: an empty plain scalar, `~`, `null` (any case), or the `!!null` tag.
    ///
    /// Asked for every optional value decoded, so the length is looked at before any comparison.
    public var isNull: Bool {
        guard case .scalar(let scalar) = kind else { return false }
        if let tag { return tag == "tag:yaml.org,2002:null" }
        guard scalar.style == .plain else { return false }
        switch scalar.value.utf8.count {
        case 0: return true
        case 1: return scalar.value == "~"
        case 4: return scalar.value == "null" || scalar.value == "Null" || scalar.value == "NULL"
        default: return false
        }
    }

    /// A short name for the node's kind, for error messages ("expected a string, found a mapping").
    public var kindDescription: String {
        switch kind {
        case .scalar(let scalar):
            if isNull { return "null" }
            // Counting characters walks the string: only long ones need it.
            if scalar.value.utf8.count <= 40 { return "\"" + scalar.value + "\"" }
            return "\"\(scalar.value.prefix(40))\(scalar.value.count > 40 ? "…" : "")\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// A scalar's text and how it was written; the style tells `"80"` (a string the user quoted) from
/// `80` (plain, may be a number).
public struct Scalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style

    public init(_ value: String, style: Style = .plain) {
        self.value = value
        self.style = style
    }
}

/// One key/value entry of a mapping.
public struct Pair: Sendable, Hashable {
    public var key: Node
    public var value: Node

    public init(key: Node, value: Node) {
        self.key = key
        self.value = value
    }
}

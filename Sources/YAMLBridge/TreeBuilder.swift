/// Folds libyaml events into a ``Node`` tree with an explicit stack (no recursion), resolving
/// anchors, aliases and merge keys, rejecting duplicate keys, and enforcing ``ParseLimits``.
///
/// A struct kept in a local variable by the parser: as a class, every access to `stack` paid for a
/// dynamic exclusivity check, a tenth of the whole parse.
struct TreeBuilder {
    /// One open sequence or mapping.
    ///
    /// The children live in stored arrays of the frame (not in an enum payload) so that
    /// `stack[top].items.append(node)` mutates them in place: an array inside an enum payload has
    /// to be taken out and put back, and any copy the compiler keeps alive meanwhile (debug builds
    /// do) turns every append into a copy of the whole array, O(n²) for a big mapping.
    private struct Frame {
        var isMapping: Bool
        var items: [Node] = []
        var pairs: [Pair] = []
        var pendingKey: Node?
        /// Scalar keys seen so far → their index in `pairs`, for the duplicate-key check. Built
        /// only once a mapping grows past ``TreeBuilder/linearKeyScanLimit`` keys: below that a
        /// linear scan is cheaper than hashing, and most mappings of a config file are small.
        var keyIndex: [String: Int]?
        var mark: Mark
        var tag: String?
        var anchor: String?
        /// Nodes in this subtree so far, counting alias expansions (for the alias budget).
        var size: Int = 1

        init(isMapping: Bool, mark: Mark, tag: String?, anchor: String?) {
            self.isMapping = isMapping
            self.mark = mark
            self.tag = tag
            self.anchor = anchor
        }
    }

    /// Mappings up to this many keys check duplicates by a linear scan; bigger ones by a hash table.
    static var linearKeyScanLimit: Int { 12 }

    private let limits: ParseLimits
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var aliasedNodes = 0
    private var documents = 0
    private(set) var root: Node?

    init(limits: ParseLimits) {
        self.limits = limits
        stack.reserveCapacity(min(limits.maxDepth, 64))
    }

    // MARK: - Events, in the order libyaml gives them

    mutating func startDocument(at mark: Mark) throws(Diagnostic) {
        documents += 1
        if documents > 1 {
            throw Diagnostic(mark: mark, message: "expected one document, found a second one (remove the extra '---')")
        }
    }

    mutating func scalar(_ scalar: Scalar, anchor: String?, tag: String?, at mark: Mark) throws(Diagnostic) {
        try deliver(Node(.scalar(scalar), mark: mark, tag: tag), size: 1, anchor: anchor)
    }

    mutating func alias(_ name: String, at mark: Mark) throws(Diagnostic) {
        guard let target = anchors[name] else {
            if stack.contains(where: { $0.anchor == name }) {
                throw Diagnostic(
                    mark: mark,
                    message: "the alias '*\(name)' refers to a node that contains it (a recursive alias is not supported)"
                )
            }
            throw Diagnostic(mark: mark, message: "the alias '*\(name)' refers to no anchor defined before it")
        }
        aliasedNodes += target.size
        if aliasedNodes > limits.maxAliasedNodes {
            throw Diagnostic(
                mark: mark,
                message: "aliases expand to more than \(limits.maxAliasedNodes) nodes (an alias bomb?)"
            )
        }
        try deliver(target.node, size: target.size, anchor: nil, aliasMark: mark)
    }

    /// A sequence or a mapping begins.
    mutating func start(isMapping: Bool, anchor: String?, tag: String?, at mark: Mark) throws(Diagnostic) {
        try push(Frame(isMapping: isMapping, mark: mark, tag: tag, anchor: anchor))
    }

    /// The innermost open sequence or mapping ends.
    mutating func end() throws(Diagnostic) {
        let frame = stack.removeLast()
        let node: Node
        if frame.isMapping {
            node = Node(.mapping(try Self.applyMerges(frame.pairs)), mark: frame.mark, tag: frame.tag)
        } else {
            node = Node(.sequence(frame.items), mark: frame.mark, tag: frame.tag)
        }
        try deliver(node, size: frame.size, anchor: frame.anchor)
    }

    private mutating func push(_ frame: Frame) throws(Diagnostic) {
        if stack.count >= limits.maxDepth {
            throw Diagnostic(mark: frame.mark, message: "nesting is deeper than the limit of \(limits.maxDepth) levels")
        }
        // An anchor is defined from its node's start: an alias inside the node is recursive and an
        // older anchor of the same name is shadowed from here on.
        if let anchor = frame.anchor { anchors[anchor] = nil }
        stack.append(frame)
    }

    private mutating func deliver(_ node: Node, size: Int, anchor: String?, aliasMark: Mark? = nil) throws(Diagnostic) {
        if let anchor { anchors[anchor] = (node, size) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        guard stack[top].isMapping else {
            // Room for a typical list at once rather than growing 1, 2, 4, 8.
            if stack[top].items.capacity == 0 { stack[top].items.reserveCapacity(8) }
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].pendingKey = nil
            if stack[top].pairs.capacity == 0 { stack[top].pairs.reserveCapacity(8) }
            stack[top].pairs.append(Pair(key: key, value: node))
            return
        }
        var key = node
        if let aliasMark { key.mark = aliasMark }
        try Self.checkDuplicate(key, in: &stack[top])
        stack[top].pendingKey = key
    }

    /// Throws when `key` repeats a scalar key of the mapping; records it otherwise. Merge keys `<<`
    /// may repeat (each merges more).
    private static func checkDuplicate(_ key: Node, in frame: inout Frame) throws(Diagnostic) {
        guard let name = key.scalar?.value, !Self.isMergeKey(key) else { return }
        let position = frame.pairs.count
        var first: Int?
        if frame.keyIndex != nil {
            // Mutated through `!` so the dictionary is updated in place, never copied.
            if let existing = frame.keyIndex![name] {
                first = existing
            } else {
                frame.keyIndex![name] = position
            }
        } else if position < Self.linearKeyScanLimit {
            let length = name.utf8.count
            first = frame.pairs.firstIndex {
                guard case .scalar(let scalar) = $0.key.kind, scalar.value.utf8.count == length else { return false }
                return scalar.value == name && !Self.isMergeKey($0.key)
            }
        } else {
            var index: [String: Int] = [:]
            index.reserveCapacity(position * 2)
            for (offset, pair) in frame.pairs.enumerated() {
                if let existing = pair.key.scalar?.value, !Self.isMergeKey(pair.key), index[existing] == nil {
                    index[existing] = offset
                }
            }
            first = index[name]
            if first == nil { index[name] = position }
            frame.keyIndex = index
        }
        if let first {
            throw Diagnostic(
                mark: key.mark,
                message: "duplicate key '\(name)' (first defined at \(frame.pairs[first].key.mark))"
            )
        }
    }

    private static func isMergeKey(_ key: Node) -> Bool {
        guard case .scalar(let scalar) = key.kind, scalar.value.utf8.count == 2 else { return false }
        return scalar.value == "<<" && scalar.style == .plain
            && (key.tag == nil || key.tag == "tag:yaml.org,2002:merge")
    }

    /// Applies YAML merge keys (`<<: *defaults` or `<<: [*a, *b]`): keys written in the mapping win,
    /// then earlier merged mappings win over later ones.
    private static func applyMerges(_ pairs: [Pair]) throws(Diagnostic) -> [Pair] {
        guard pairs.contains(where: { isMergeKey($0.key) }) else { return pairs }
        var result = pairs.filter { !isMergeKey($0.key) }
        var present = Set(result.compactMap { $0.key.scalar?.value })
        for pair in pairs where isMergeKey(pair.key) {
            let sources: [Node]
            switch pair.value.kind {
            case .mapping: sources = [pair.value]
            case .sequence(let items): sources = items
            case .scalar:
                throw Diagnostic(mark: pair.value.mark, message: "a merge key '<<' takes a mapping or a list of mappings")
            }
            for source in sources {
                guard let merged = source.pairs else {
                    throw Diagnostic(mark: source.mark, message: "a merge key '<<' takes a mapping or a list of mappings")
                }
                for entry in merged {
                    guard let name = entry.key.scalar?.value, !present.contains(name) else { continue }
                    present.insert(name)
                    result.append(entry)
                }
            }
        }
        return result
    }
}

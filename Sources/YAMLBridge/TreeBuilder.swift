/// Folds libyaml events into a ``Node`` tree with an explicit stack (no recursion), resolving
/// anchors, aliases and merge keys, rejecting duplicate keys, and enforcing ``ParseLimits``.
///
/// A struct passed `inout` to the event loop: as a class, every access to its stack paid for a
/// dynamic exclusivity check, a tenth of the whole parse. Every node is moved, never copied, from
/// the event that makes it into its parent (a copy of a node retains its text and its children).
struct TreeBuilder {
    /// One open sequence or mapping (or the document around the root).
    ///
    /// The children live in stored arrays of the frame (not in an enum payload) so that
    /// `current.pairs.append(pair)` mutates them in place: an array inside an enum payload has
    /// to be taken out and put back, and any copy the compiler keeps alive meanwhile (debug builds
    /// do) turns every append into a copy of the whole array, O(n²) for a big mapping.
    private struct Frame {
        var isMapping: Bool
        var items: [Node] = []
        var pairs: [Pair] = []
        /// The last pair has its key and waits for its value (a placeholder until then): a key
        /// goes straight into `pairs`, never into an optional to be copied out again.
        var awaitsValue = false
        /// Where this mapping's keys begin in ``TreeBuilder/keys``.
        var firstKey: Int
        /// Scalar keys seen so far → where each was first written, for the duplicate-key check.
        /// Built only once a mapping grows past ``TreeBuilder/linearKeyScanLimit`` keys: below that
        /// a linear scan is cheaper than hashing, and most mappings of a config file are small.
        var keyIndex: [String: Mark]?
        var mark: Mark
        var tag: String?
        var anchor: String?
        /// Nodes in this subtree so far, counting alias expansions (for the alias budget).
        var size: Int = 1

        init(isMapping: Bool, mark: Mark, tag: String?, anchor: String?, firstKey: Int) {
            self.isMapping = isMapping
            self.mark = mark
            self.tag = tag
            self.anchor = anchor
            self.firstKey = firstKey
        }
    }

    /// Mappings up to this many keys check duplicates by a linear scan; bigger ones by a hash table.
    static var linearKeyScanLimit: Int { 12 }

    private let limits: ParseLimits
    /// The innermost open collection; at the top level, the document, which holds no children.
    private var current: Frame
    /// The collections around `current`, outermost first (the document's frame at the bottom).
    private var stack: [Frame] = []
    /// The scalar keys of the open mappings (each mapping's from its ``Frame/firstKey``) with
    /// where they were written: the duplicate-key check scans these, not the pairs, whose keys
    /// are nodes to take apart.
    private var keys: [(name: String, mark: Mark)] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var aliasedNodes = 0
    private var documents = 0
    private(set) var root: Node?

    init(limits: ParseLimits) {
        self.limits = limits
        current = Frame(isMapping: false, mark: Mark(line: 1, column: 1), tag: nil, anchor: nil, firstKey: 0)
        stack.reserveCapacity(min(limits.maxDepth, 64))
        keys.reserveCapacity(64)
    }

    // MARK: - Events, in the order libyaml gives them

    mutating func startDocument(at mark: Mark) throws(Diagnostic) {
        documents += 1
        if documents > 1 {
            throw Diagnostic(mark: mark, message: "expected one document, found a second one (remove the extra '---')")
        }
    }

    mutating func scalar(_ scalar: consuming Scalar, anchor: String?, tag: String?, at mark: Mark) throws(Diagnostic) {
        if isExpectingKey { try checkDuplicate(scalar, tag: tag, at: mark) }
        try deliver(Node(.scalar(scalar), mark: mark, tag: tag), size: 1, anchor: anchor)
    }

    mutating func alias(_ name: String, at mark: Mark) throws(Diagnostic) {
        guard let target = anchors[name] else {
            if current.anchor == name || stack.contains(where: { $0.anchor == name }) {
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
        if isExpectingKey, case .scalar(let scalar) = target.node.kind {
            try checkDuplicate(scalar, tag: target.node.tag, at: mark)
        }
        try deliver(target.node, size: target.size, anchor: nil, aliasMark: mark)
    }

    /// A sequence or a mapping begins.
    mutating func start(isMapping: Bool, anchor: String?, tag: String?, at mark: Mark) throws(Diagnostic) {
        // The document's frame is at the bottom of the stack and holds no collection.
        if stack.count >= limits.maxDepth {
            throw Diagnostic(mark: mark, message: "nesting is deeper than the limit of \(limits.maxDepth) levels")
        }
        // An anchor is defined from its node's start: an alias inside the node is recursive and an
        // older anchor of the same name is shadowed from here on.
        if let anchor { anchors[anchor] = nil }
        var outer = Frame(isMapping: isMapping, mark: mark, tag: tag, anchor: anchor, firstKey: keys.count)
        swap(&outer, &current)
        stack.append(consume outer)
    }

    /// The innermost open sequence or mapping ends.
    mutating func end() throws(Diagnostic) {
        var frame = stack.removeLast()
        swap(&frame, &current)
        let node: Node
        if frame.isMapping {
            keys.removeSubrange(frame.firstKey...)
            node = Node(.mapping(try Self.applyMerges(frame.pairs)), mark: frame.mark, tag: frame.tag)
        } else {
            node = Node(.sequence(frame.items), mark: frame.mark, tag: frame.tag)
        }
        try deliver(node, size: frame.size, anchor: frame.anchor)
    }

    // MARK: - Building

    private mutating func deliver(_ node: consuming Node, size: Int, anchor: String?, aliasMark: Mark? = nil) throws(Diagnostic) {
        if let anchor { anchors[anchor] = (copy node, size) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        current.size += size
        guard current.isMapping else {
            // Room for a typical list at once rather than growing 1, 2, 4, 8.
            if current.items.capacity == 0 { current.items.reserveCapacity(8) }
            current.items.append(node)
            return
        }
        if current.awaitsValue {
            current.pairs[current.pairs.count - 1].value = node
            current.awaitsValue = false
            return
        }
        // A key: checked for duplicates when it arrived (``scalar(_:anchor:tag:at:)``).
        if let aliasMark { node.mark = aliasMark }
        if current.pairs.capacity == 0 { current.pairs.reserveCapacity(8) }
        current.pairs.append(Pair(key: node, value: Self.placeholder))
        current.awaitsValue = true
    }

    /// The value of a pair whose value has not come yet (an empty list: no allocation).
    private static var placeholder: Node { Node(.sequence([]), mark: Mark(line: 0, column: 0)) }

    /// The next node is a key of the innermost mapping.
    private var isExpectingKey: Bool { !stack.isEmpty && current.isMapping && !current.awaitsValue }

    /// Throws when the key `scalar` at `mark` repeats a scalar key of the current mapping; records
    /// it otherwise. Merge keys `<<` may repeat (each merges more).
    private mutating func checkDuplicate(_ scalar: borrowing Scalar, tag: String?, at mark: Mark) throws(Diagnostic) {
        guard !Self.isMergeKey(scalar, tag: tag) else { return }
        let name = scalar.value
        var first: Mark?
        if current.keyIndex != nil {
            // Mutated through `!` so the dictionary is updated in place, never copied.
            if let existing = current.keyIndex![name] {
                first = existing
            } else {
                current.keyIndex![name] = mark
            }
        } else if keys.count - current.firstKey < Self.linearKeyScanLimit {
            let length = name.utf8.count
            for index in current.firstKey..<keys.count where keys[index].name.utf8.count == length && keys[index].name == name {
                first = keys[index].mark
                break
            }
            if first == nil { keys.append((name, mark)) }
        } else {
            var index: [String: Mark] = [:]
            index.reserveCapacity((keys.count - current.firstKey) * 2)
            for entry in keys[current.firstKey...] { index[entry.name] = entry.mark }
            first = index[name]
            if first == nil { index[name] = mark }
            current.keyIndex = index
        }
        if let first {
            throw Diagnostic(mark: mark, message: "duplicate key '\(name)' (first defined at \(first))")
        }
    }

    private static func isMergeKey(_ scalar: borrowing Scalar, tag: String?) -> Bool {
        scalar.value.utf8.count == 2 && scalar.value == "<<" && scalar.style == .plain
            && (tag == nil || tag == "tag:yaml.org,2002:merge")
    }

    private static func isMergeKey(_ key: Node) -> Bool {
        guard case .scalar(let scalar) = key.kind else { return false }
        return isMergeKey(scalar, tag: key.tag)
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

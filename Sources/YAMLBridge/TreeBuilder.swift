/// Folds libyaml events into a ``Node`` tree with an explicit stack (no recursion), resolving
/// anchors, aliases and merge keys, rejecting duplicate keys, and enforcing ``ParseLimits``.
final class TreeBuilder {
    private struct Frame {
        enum Body {
            case sequence([Node])
            case mapping([Pair], pendingKey: Node?)
        }

        var body: Body
        var mark: Mark
        var tag: String?
        var anchor: String?
        /// Nodes in this subtree so far, counting alias expansions (for the alias budget).
        var size: Int = 1
    }

    private let limits: ParseLimits
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var aliasedNodes = 0
    private var documents = 0
    private(set) var root: Node?

    init(limits: ParseLimits) {
        self.limits = limits
    }

    /// Takes one event; returns true at the end of the stream.
    func consume(_ event: Event) throws(Diagnostic) -> Bool {
        switch event {
        case .streamStart, .documentEnd:
            return false
        case .streamEnd:
            return true
        case .documentStart(let mark):
            documents += 1
            if documents > 1 {
                throw Diagnostic(mark: mark, message: "expected one document, found a second one (remove the extra '---')")
            }
            return false
        case .scalar(let scalar, let anchor, let tag, let mark):
            let node = Node(.scalar(scalar), mark: mark, tag: tag)
            try deliver(node, size: 1, anchor: anchor)
        case .alias(let name, let mark):
            guard let target = anchors[name] else {
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
        case .sequenceStart(let anchor, let tag, let mark):
            try push(Frame(body: .sequence([]), mark: mark, tag: tag, anchor: anchor))
        case .mappingStart(let anchor, let tag, let mark):
            try push(Frame(body: .mapping([], pendingKey: nil), mark: mark, tag: tag, anchor: anchor))
        case .sequenceEnd, .mappingEnd:
            let frame = stack.removeLast()
            let node: Node
            switch frame.body {
            case .sequence(let items):
                node = Node(.sequence(items), mark: frame.mark, tag: frame.tag)
            case .mapping(let pairs, _):
                node = Node(.mapping(try Self.applyMerges(pairs)), mark: frame.mark, tag: frame.tag)
            }
            try deliver(node, size: frame.size, anchor: frame.anchor)
        }
        return false
    }

    private func push(_ frame: Frame) throws(Diagnostic) {
        if stack.count >= limits.maxDepth {
            throw Diagnostic(mark: frame.mark, message: "nesting is deeper than the limit of \(limits.maxDepth) levels")
        }
        stack.append(frame)
    }

    private func deliver(_ node: Node, size: Int, anchor: String?, aliasMark: Mark? = nil) throws(Diagnostic) {
        if let anchor { anchors[anchor] = (node, size) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        switch stack[top].body {
        case .sequence(var items):
            stack[top].body = .sequence([])
            items.append(node)
            stack[top].body = .sequence(items)
        case .mapping(var pairs, let pendingKey):
            stack[top].body = .mapping([], pendingKey: nil)
            if let key = pendingKey {
                pairs.append(Pair(key: key, value: node))
                stack[top].body = .mapping(pairs, pendingKey: nil)
            } else {
                var key = node
                if let aliasMark { key.mark = aliasMark }
                if let duplicate = Self.duplicate(of: key, in: pairs) {
                    throw Diagnostic(
                        mark: key.mark,
                        message: "duplicate key '\(key.scalar?.value ?? "")' (first defined at \(duplicate.key.mark))"
                    )
                }
                stack[top].body = .mapping(pairs, pendingKey: key)
            }
        }
    }

    private static func duplicate(of key: Node, in pairs: [Pair]) -> Pair? {
        guard let scalar = key.scalar, !isMergeKey(key) else { return nil }
        return pairs.first { $0.key.scalar?.value == scalar.value && !isMergeKey($0.key) }
    }

    private static func isMergeKey(_ key: Node) -> Bool {
        guard let scalar = key.scalar else { return false }
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

/// A strict reader of the Prometheus text format's grouping rules, which promtool 2.42 does not
/// enforce: every sample belongs to a family declared by `# HELP`/`# TYPE`, a family is declared
/// once, and its samples follow its TYPE line as one contiguous group (no other family's lines in
/// between). `scripts/check-metrics` applies the same rules to a live daemon's `/metrics`.
enum ExpositionCheck {
    /// Every violation, one line each, with the line number; empty when the text is well grouped.
    static func problems(in text: String) -> [String] {
        var problems: [String] = []
        var types: [String: String] = [:]
        var declared: Set<String> = []
        var helped: Set<String> = []
        var closed: Set<String> = []
        var current: String?
        var typed = false
        func enter(_ family: String, line: Int) {
            guard family != current else { return }
            if let current { closed.insert(current) }
            if closed.contains(family) { problems.append("line \(line): family \(family) continues after other families' lines (its lines must be one group)") }
            current = family
            typed = types[family] != nil
        }
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            if raw.isEmpty { continue }
            let words = raw.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).map(String.init)
            if raw.hasPrefix("#") {
                guard words.count >= 3, words[1] == "HELP" || words[1] == "TYPE" else { continue }  // a plain comment
                let family = words[2]
                enter(family, line: line)
                declared.insert(family)
                if words[1] == "HELP" {
                    if !helped.insert(family).inserted { problems.append("line \(line): family \(family) has a second HELP") }
                } else {
                    if types[family] != nil { problems.append("line \(line): family \(family) has a second TYPE") }
                    types[family] = words.count > 3 ? words[3] : ""
                    typed = true
                }
                continue
            }
            let name = String(raw.prefix { $0 != "{" && $0 != " " })
            guard let family = family(of: name, declared: declared, types: types) else {
                problems.append("line \(line): sample \(name) belongs to no declared family")
                continue
            }
            if family != current {
                problems.append("line \(line): sample \(name) is not in its family \(family)'s group (after \(current ?? "nothing"))")
                enter(family, line: line)
            } else if !typed {
                problems.append("line \(line): sample \(name) comes before its family's TYPE line")
            }
        }
        return problems
    }

    /// The family a sample name belongs to: its own, or a summary's or histogram's whose
    /// `_sum`, `_count` or `_bucket` series it is.
    static func family(of name: String, declared: Set<String>, types: [String: String]) -> String? {
        if declared.contains(name) { return name }
        for suffix in ["_sum", "_count", "_bucket"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let type = types[base], type == "summary" || type == "histogram" { return base }
        }
        return nil
    }
}

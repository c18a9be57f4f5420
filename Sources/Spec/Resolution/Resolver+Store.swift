import YAMLBridge

/// `settings.store`: checked as a whole so `validate` finds every mistake in the fleet store's
/// settings before a daemon tries to reach the cluster with them.
extension Resolver {
    mutating func resolveStore(_ options: StoreOptions?, path: [PathComponent]) -> EtcdSettings? {
        guard let options else { return nil }
        let base = path + [.key("store")]
        guard let etcd = options.etcd else {
            if !options.source.invalid.contains("etcd") {
                error(base, options.source.object, "'store' needs 'etcd' (the one fleet store there is); remove 'store' to keep the overrides in the state directory")
            }
            return nil
        }
        return resolveEtcd(etcd, path: base + [.key("etcd")])
    }

    private mutating func resolveEtcd(_ options: EtcdOptions, path: [PathComponent]) -> EtcdSettings? {
        let before = diagnostics.count
        var endpoints: [EtcdSettings.Endpoint] = []
        if let written = options.endpoints {
            if written.isEmpty { error(path + [.key("endpoints")], options.source["endpoints"], "'endpoints' lists no URL; give at least one, e.g. http://127.0.0.1:2379") }
            for (index, text) in written.enumerated() {
                let mark = options.source.node?["endpoints"]?.items?[safe: index]?.mark ?? options.source["endpoints"]
                if let endpoint = Self.endpoint(text) {
                    if endpoints.contains(endpoint) {
                        error(path + [.key("endpoints"), .index(index)], mark, "endpoint '\(text)' is listed twice")
                    }
                    endpoints.append(endpoint)
                } else {
                    error(path + [.key("endpoints"), .index(index)], mark, "'\(text)' is not an etcd client URL: expected http://host:port or https://host:port, with no path")
                }
            }
        } else if !options.source.invalid.contains("endpoints") {
            error(path, options.source.object, "etcd needs 'endpoints': the client URLs of its members, e.g. [http://10.0.0.1:2379, http://10.0.0.2:2379]")
        }
        var prefix = EtcdSettings.defaultPrefix
        if let written = options.prefix {
            if written.hasPrefix("/"), written.hasSuffix("/"), written.count >= 2, !written.contains("//"), written.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) {
                prefix = written
            } else {
                error(path + [.key("prefix")], options.source["prefix"], "prefix must start and end with '/' and hold printable ASCII without spaces, e.g. /gorb/ or /lb/prod/, found '\(written)'")
            }
        }
        for (key, value) in [("ca-file", options.caFile), ("cert-file", options.certFile), ("key-file", options.keyFile), ("password-file", options.passwordFile)] {
            if let value, !value.hasPrefix("/") {
                error(path + [.key(key)], options.source[key], "\(key) must be an absolute path, found '\(value)'")
            }
        }
        if (options.certFile == nil) != (options.keyFile == nil) {
            let missing = options.certFile == nil ? "cert-file" : "key-file"
            let given = options.certFile == nil ? "key-file" : "cert-file"
            error(path + [.key(given)], options.source[given], "'\(given)' needs '\(missing)': a client certificate goes with its key")
        }
        if options.caFile != nil || options.certFile != nil, !endpoints.isEmpty, !endpoints.contains(where: \.secure) {
            let key = options.caFile != nil ? "ca-file" : "cert-file"
            error(path + [.key(key)], options.source[key], "TLS files apply to https:// endpoints, and every endpoint is http://")
        }
        if (options.username == nil) != (options.passwordFile == nil) {
            let given = options.username == nil ? "password-file" : "username"
            let missing = options.username == nil ? "username" : "password-file"
            error(path + [.key(given)], options.source[given], "'\(given)' needs '\(missing)'")
        }
        if let username = options.username, username.isEmpty {
            error(path + [.key("username")], options.source["username"], "username is empty")
        }
        guard diagnostics.count == before else { return nil }
        var settings = EtcdSettings(endpoints: endpoints, prefix: prefix)
        settings.caFile = options.caFile
        settings.certFile = options.certFile
        settings.keyFile = options.keyFile
        settings.username = options.username
        settings.passwordFile = options.passwordFile
        return settings
    }

    /// `http://host:port` or `https://host:port` (`[v6]:port`), an optional trailing `/`.
    static func endpoint(_ text: String) -> EtcdSettings.Endpoint? {
        let secure: Bool
        var rest: Substring
        if text.hasPrefix("http://") {
            secure = false
            rest = text.dropFirst(7)
        } else if text.hasPrefix("https://") {
            secure = true
            rest = text.dropFirst(8)
        } else {
            return nil
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { return nil }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port),
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }),
              host.allSatisfy(\.isASCII)
        else { return nil }
        return EtcdSettings.Endpoint(secure: secure, host: String(host), port: port)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

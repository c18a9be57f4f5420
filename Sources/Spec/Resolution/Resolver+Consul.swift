import YAMLBridge

/// `settings.consul` and each service's `consul:`: the agent's address, the token file, the check
/// timings, and every registered name a DNS label that no other service of the file takes.
extension Resolver {
    mutating func resolveConsulSettings(_ options: ConsulSettingsOptions?) -> ConsulSettings? {
        guard let options else { return nil }
        let path: [PathComponent] = [.key("settings"), .key("consul")]
        var settings = ConsulSettings()
        if let address = options.address {
            if let problem = ConsulSettings.addressProblem(address) {
                error(path + [.key("address")], options.source["address"], problem)
            } else {
                settings.address = address
            }
        }
        if let file = options.tokenFile {
            if file.hasPrefix("/"), !file.contains("\0") {
                settings.tokenFile = file
            } else {
                error(path + [.key("token-file")], options.source["token-file"], "token-file must be an absolute path (the daemon reads it at start), found '\(file)'")
            }
        }
        if let datacenter = options.datacenter {
            if datacenter.isEmpty || datacenter.contains(where: { $0 == " " || $0 == "/" || $0 == "?" || $0 == "&" }) {
                error(path + [.key("datacenter")], options.source["datacenter"], "'\(datacenter)' is not a datacenter name")
            } else {
                settings.datacenter = datacenter
            }
        }
        if let tags = options.tags {
            settings.tags = checkTags(tags, path: path + [.key("tags")], mark: options.source["tags"])
        }
        if let ttl = options.ttl, let seconds = wholeSeconds(ttl.duration, in: 3...3600, path: path + [.key("ttl")], mark: options.source["ttl"], what: "the check TTL") {
            settings.ttl = .seconds(seconds)
        }
        if let after = options.deregisterAfter, let seconds = wholeSeconds(after.duration, in: 60...604_800, path: path + [.key("deregister-after")], mark: options.source["deregister-after"], what: "deregister-after (Consul's minimum is 1m)") {
            settings.deregisterAfter = .seconds(seconds)
        }
        return settings
    }

    /// A service's registration; `consul.name`, when written, must already be a DNS label.
    mutating func resolveRegistration(id: String, options: ServiceConsulOptions?, path: [PathComponent]) -> ServiceRegistration {
        var registration = ServiceRegistration.standard(id: id)
        guard let options else { return registration }
        let base = path + [.key("consul")]
        registration.register = options.register ?? true
        if let name = options.name {
            if !ConsulName.isLabel(name) {
                error(base + [.key("name")], options.source["name"], "consul name '\(name)' is not a DNS label (1 to 63 of a-z, 0-9 and '-', not starting or ending with '-')")
            } else {
                registration.name = name
            }
        }
        if let tags = options.tags {
            registration.tags = checkTags(tags, path: base + [.key("tags")], mark: options.source["tags"])
        }
        for entry in options.meta?.entries ?? [] {
            if let problem = ConsulMeta.keyProblem(entry.id) {
                error(base + [.key("meta"), .key(entry.id)], entry.mark ?? options.source["meta"], problem)
            } else if entry.value.utf8.count > 512 {
                error(base + [.key("meta"), .key(entry.id)], entry.mark ?? options.source["meta"], "a Consul meta value has at most 512 bytes")
            } else {
                registration.meta.append((entry.id, entry.value))
            }
        }
        if registration.meta.count + ConsulMeta.reserved.count > 64 {
            error(base + [.key("meta")], options.source["meta"], "Consul takes at most 64 meta pairs, and the daemon sets \(ConsulMeta.reserved.count)")
        }
        return registration
    }

    private mutating func checkTags(_ tags: [String], path: [PathComponent], mark: Mark?) -> [String] {
        for tag in tags where tag.isEmpty || tag.utf8.count > 255 || tag.contains(where: \.isNewline) {
            error(path, mark, "a Consul tag is 1 to 255 characters on one line, found '\(tag)'")
        }
        return tags
    }

    /// Two registered services must not share a Consul name (one would replace the other in DNS),
    /// and none may take the daemon's own.
    mutating func checkConsulNames(_ services: [Service], entries: [OrderedEntries<ServiceOptions>.Entry]) {
        // Positions are looked for only when there is an error to place (indexing them for
        // every service cost more than the check itself).
        func markOf(_ id: String) -> Mark? {
            guard let entry = entries.first(where: { $0.id == id }) else { return nil }
            return entry.value.consul.flatMap({ $0.source["name"] }) ?? entry.mark
        }
        var owners: [String: String] = [:]
        owners.reserveCapacity(services.count)
        for service in services where service.consul.register {
            let name = service.consul.name
            if !name.isEmpty, name != ConsulName.daemon, owners[name] == nil {
                owners[name] = service.id
                continue
            }
            let path: [PathComponent] = [.key("services"), .key(service.id), .key("consul"), .key("name")]
            let mark = markOf(service.id)
            if name.isEmpty {
                error(path, mark, "service id '\(service.id)' has no letter or digit to make a Consul name of: set consul.name (or consul.register: false)")
            } else if name == ConsulName.daemon {
                error(path, mark, "the Consul name '\(name)' is the daemon's own registration: set another consul.name")
            } else if let other = owners[name] {
                error(path, mark, "service '\(service.id)' would be registered in Consul as '\(name)', as service '\(other)' is: set consul.name on one of them (ids become DNS labels: lower case, other characters '-')")
            } else {
                owners[name] = service.id
            }
        }
    }

    /// `consul:` under `defaults.service` applies to every service, except `name`, which names one.
    mutating func checkConsulDefaults(_ defaults: DefaultsOptions) {
        guard let consul = defaults.service?.consul, consul.name != nil else { return }
        error([.key("defaults"), .key("service"), .key("consul"), .key("name")], consul.source["name"], "'name' names one service in Consul and cannot have a default; set it on each service")
    }
}

/// The `Meta` keys the daemon sets on every registration, and Consul's rules for the others.
public enum ConsulMeta {
    /// Marks a registration as this daemon's: what start-up cleanup looks for.
    public static let managedBy = "managed-by"
    public static let marker = "gorb-reconcile"
    public static let reserved: Set<String> = [managedBy, "gorb-service", "scheduler", "protocol", "fwmark", "family"]

    /// Why `key` cannot be a `Meta` key (Consul: 1 to 128 of letters, digits, `_` and `-`, no
    /// `consul-` prefix), or `nil`.
    public static func keyProblem(_ key: String) -> String? {
        if reserved.contains(key) { return "the meta key '\(key)' is set by the daemon (\(reserved.sorted().joined(separator: ", ")))" }
        if key.lowercased().hasPrefix("consul-") { return "Consul reserves meta keys starting with 'consul-'" }
        let valid = (1...128).contains(key.utf8.count) && key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
        return valid ? nil : "a Consul meta key is 1 to 128 letters, digits, '_' or '-', found '\(key)'"
    }
}

extension ConsulSettings {
    /// Why `address` is not the agent's HTTP address, or `nil`: one rule for `settings.consul.address`
    /// and `run -c`.
    public static func addressProblem(_ address: String) -> String? {
        let rest: Substring
        if address.hasPrefix("http://") {
            rest = address.dropFirst(7)
        } else if address.hasPrefix("https://") {
            rest = address.dropFirst(8)
        } else {
            return "the Consul address is an http:// or https:// URL like http://127.0.0.1:8500, found '\(address)'"
        }
        let host = rest.prefix { $0 != "/" }
        if host.isEmpty || rest.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) || (rest.count > host.count && rest != host + "/") {
            return "the Consul address is the agent's scheme, host and port only, like http://127.0.0.1:8500, found '\(address)'"
        }
        return nil
    }
}

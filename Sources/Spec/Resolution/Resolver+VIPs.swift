import YAMLBridge

/// `settings.vips`: the interface that holds the VIPs.
extension Resolver {
    mutating func resolveVIPs(_ options: VIPOptions?) -> VIPSettings? {
        guard let options else { return nil }
        let path: [PathComponent] = [.key("settings"), .key("vips")]
        guard let interface = options.interface else {
            // A value of the wrong type was reported where it was read.
            if options.source.invalid.contains("interface") { return nil }
            error(path, options.source.object, "needs 'interface': the interface the VIPs are added to (e.g. lo or a dummy interface)")
            return nil
        }
        if let problem = InterfaceName.problem(interface) {
            error(path + [.key("interface")], options.source["interface"], problem)
            return nil
        }
        return VIPSettings(interface: interface)
    }
}

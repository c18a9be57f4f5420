import YAMLBridge

/// `settings.bgp`: absolute paths and bounded durations.
extension Resolver {
    mutating func resolveBGP(_ options: BGPOptions) -> BGPSettings {
        let path: [PathComponent] = [.key("settings"), .key("bgp")]
        var bgp = BGPSettings()
        if let socket = options.birdSocket {
            if let problem = Self.pathProblem(socket) {
                error(path + [.key("bird-socket")], options.source["bird-socket"], "bird-socket \(problem)")
            } else if socket.utf8.count > 107 {
                error(path + [.key("bird-socket")], options.source["bird-socket"], "bird-socket is longer than a unix socket path may be (107 bytes)")
            } else {
                bgp.birdSocket = socket
            }
        }
        if let file = options.routesFile {
            if let problem = Self.pathProblem(file) {
                error(path + [.key("routes-file")], options.source["routes-file"], "routes-file \(problem)")
            } else {
                bgp.routesFile = file
            }
        }
        bgp.routesFileIPv6 = BGPSettings.ipv6File(beside: bgp.routesFile)
        if let file = options.routesFileIPv6 {
            if let problem = Self.pathProblem(file) {
                error(path + [.key("routes-file-ipv6")], options.source["routes-file-ipv6"], "routes-file-ipv6 \(problem)")
            } else if file == bgp.routesFile {
                error(path + [.key("routes-file-ipv6")], options.source["routes-file-ipv6"], "routes-file-ipv6 must differ from routes-file: a static protocol takes routes of one family")
            } else {
                bgp.routesFileIPv6 = file
            }
        }
        if let grace = options.withdrawGrace {
            if grace.duration < .zero || grace.duration > .seconds(300) {
                error(path + [.key("withdraw-grace")], options.source["withdraw-grace"], "withdraw-grace must be from 0s to 5m, found \(grace)")
            } else {
                bgp.withdrawGrace = grace.duration
            }
        }
        if let hold = options.holdDown {
            if hold.duration < .zero || hold.duration > .seconds(3600) {
                error(path + [.key("hold-down")], options.source["hold-down"], "hold-down must be from 0s to 1h, found \(hold)")
            } else {
                bgp.holdDown = hold.duration
            }
        }
        return bgp
    }

    /// Why `text` is not an absolute path to a file, or `nil` if it is.
    private static func pathProblem(_ text: String) -> String? {
        if !text.hasPrefix("/") { return "must be an absolute path, found '\(text)'" }
        if text.hasSuffix("/") { return "must name a file, not a directory, found '\(text)'" }
        if text.contains("\0") || text.contains("\n") { return "must not contain a NUL or a newline" }
        return nil
    }
}

import API
import ArgumentParser
import Consul
import Foundation
import Logging
import Publishing
import Reconciler
import Spec

/// `run -c URL` / `settings.consul`: the Consul registrar, wired to the controller's published
/// state and reporting into `GET /status` and `/metrics`.
extension Run {
    /// The registrar, or `nil` when neither `-c` nor `settings.consul` asks for one. Address,
    /// token and datacenter are read once, at start (a reload does not change them: restart).
    func consulRegistrar(settings: ConsulSettings?, states: LatestValue<LoadBalancerState>, logger: Logger) throws -> ConsulRegistrar? {
        guard consul != nil || settings != nil else { return nil }
        let settings = settings ?? ConsulSettings()
        let address = consul ?? settings.address ?? ConsulSettings.defaultAddress
        var token: String?
        if let file = settings.tokenFile {
            token = try Self.readConsulToken(file, logger: logger)
        }
        let client = ConsulAgentClient(address: address, token: token)
        logger.notice("Consul registration on", metadata: ["address": "\(client.address)", "token": "\(token == nil ? "none" : "from \(settings.tokenFile!)")", "datacenter": "\(settings.datacenter ?? "any")"])
        return ConsulRegistrar(client: client, states: states, datacenter: settings.datacenter, daemon: daemonEndpoint, deregisterOnExit: cleanupOnExit, logger: logger)
    }

    /// The daemon's own registration: the first TCP listener (a wildcard one registers no address,
    /// so Consul answers with the node's), or only a unix socket (a TTL check instead of /healthz).
    var daemonEndpoint: DaemonEndpoint? {
        for listener in listeners {
            // Port 0 (any free port) is known only once listening: not registered.
            if case .tcp(let host, let port) = listener {
                return port == 0 ? nil : .http(host: host == "0.0.0.0" || host == "::" ? nil : host, port: port)
            }
        }
        return listeners.isEmpty ? nil : .unixSocket
    }

    /// The ACL token, read by the daemon itself: the file is named in the root-owned config and
    /// never through the REST API. Unreadable or empty: the daemon does not start (as with
    /// --api-token-file), rather than register with no token and be refused.
    static func readConsulToken(_ file: String, logger: Logger) throws -> String {
        guard let data = FileManager.default.contents(atPath: file),
              let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !token.isEmpty
        else {
            logger.critical("cannot read a token from settings.consul.token-file", metadata: ["file": "\(file)"])
            throw ExitCode(1)
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? Int, mode & 0o004 != 0 {
            logger.warning("settings.consul.token-file is readable by every user; make it 0600 or 0640", metadata: ["file": "\(file)"])
        }
        return token
    }
}

extension ConsulRegistrar {
    /// Its section of `GET /status` (`consul`) and its `gorb_consul_*` metrics.
    var report: PeerReport {
        let status = status
        return PeerReport(key: "consul", status: { status.current }, metrics: { status.current.metricsText })
    }
}

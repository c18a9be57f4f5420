import HTTPTypes
import Spec

extension GorbAPI {
    /// `consul:` belongs to the file: a name in Consul's DNS is an address clients trust, and a
    /// token holder must not be able to claim another team's name (`database.service.consul`) for
    /// one of this balancer's VIPs. The file is reviewed; API bodies are not.
    static func refuseConsulOptions(_ options: ServiceOptions) throws(APIFailure) {
        guard options.consul != nil else { return }
        throw APIFailure(.forbidden, "consul: how a service is registered in Consul is set in the config file only (the REST API may not claim names in Consul's DNS)")
    }
}

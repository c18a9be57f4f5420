import ConsulAgentStandIn
import Foundation
import Hummingbird
import Logging

// consul-agent-standin [--port N] [--port-file FILE] [--token T]... [--read-token T]... [--datacenter DC]
// A test double of a Consul agent's HTTP API (see ConsulAgentStandIn); not part of the product.
var port = 8500
var portFile: String?
var writeTokens: Set<String> = []
var readTokens: Set<String> = []
var datacenter = "dc1"
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("\(flag) needs a value\n".utf8))
        exit(2)
    }
    switch flag {
    case "--port": port = Int(value) ?? port
    case "--port-file": portFile = value
    case "--token": writeTokens.insert(value)
    case "--read-token": readTokens.insert(value)
    case "--datacenter": datacenter = value
    default:
        FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
        exit(2)
    }
}
let model = AgentModel(acl: writeTokens.isEmpty && readTokens.isEmpty ? nil : .init(writeTokens: writeTokens, readTokens: readTokens), datacenter: datacenter)
var logger = Logger(label: "consul-agent-standin")
logger.logLevel = .warning
let file = portFile
let app = ConsulAgentStandIn(model: model).application(port: port, logger: logger) { bound in
    if let file { try? Data("\(bound)\n".utf8).write(to: URL(fileURLWithPath: file)) }
    print("consul-agent-standin listening on 127.0.0.1:\(bound)")
}
try await app.runService()

import Spec
import Testing

/// `settings.vips` as resolved, and the interface-name rule it shares with `settings.interface`.
@Suite struct VIPSettingsTests {
    func parse(_ yaml: String) throws -> Config {
        try ValidatedFile.parse(bytes: Array(yaml.utf8), file: "gorb.yaml").config
    }

    @Test func resolvesTheInterface() throws {
        #expect(try parse("settings: {vips: {interface: vip0}}\n").settings.vips == VIPSettings(interface: "vip0"))
        #expect(try parse("settings: {resync: 5s}\n").settings.vips == nil)
    }

    /// `settings.interface` takes an IPv4 address label (`getifaddrs` names aliases so), the VIP
    /// interface must be a real one.
    @Test func labelsOnlyForTheAddressSource() throws {
        #expect(try parse("settings: {interface: 'eth0:1'}\n").settings.interface == "eth0:1")
        #expect(throws: ConfigErrors.self) { try parse("settings: {vips: {interface: 'eth0:1'}}\n") }
        #expect(InterfaceName.problem("eth0:1") == "'eth0:1' is not a valid interface name (1 to 15 characters, no '/', ':' or spaces)")
        #expect(InterfaceName.problem("eth0:1", label: true) == nil)
        #expect(InterfaceName.problem("..") != nil && InterfaceName.problem("") != nil && InterfaceName.problem("a b") != nil)
        #expect(InterfaceName.problem(String(repeating: "x", count: 15)) == nil)
        #expect(InterfaceName.problem(String(repeating: "x", count: 16)) != nil)
    }
}

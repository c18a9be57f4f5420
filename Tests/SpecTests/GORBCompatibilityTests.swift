import Spec
import Testing
import YAMLBridge

/// GORB's JSON bodies, exactly as its README and users wrote them, decode into the same options
/// types the file uses, including the forms that crashed GORB (numbers in pulse args).
@Suite struct GORBCompatibilityTests {
    private func decode<T: NodeReadable>(_ type: T.Type, _ json: String) throws -> T {
        let node = try #require(try YAMLParser.parse(json))
        let (value, problems) = T.read(from: node)
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return try #require(value)
    }

    @Test func readmeServiceBody() throws {
        let options = try decode(ServiceOptions.self, #"{"host": "10.0.0.1", "port": 80, "protocol": "tcp", "method": "sh", "persistent": true, "flags": "sh-fallback|sh-port"}"#)
        #expect(options.host == "10.0.0.1")
        #expect(options.port == 80)
        #expect(options.method == "sh")
        #expect(options.persistent == .on)
        #expect(options.flags?.names == ["sh-fallback", "sh-port"])
    }

    @Test func readmeBackendBodyWithNumericPulseArgs() throws {
        let options = try decode(BackendOptions.self, #"{"host": "10.1.0.1", "port": 80, "method": "nat", "weight": 100, "pulse": {"type": "http", "args": {"method": "GET", "port": 54321, "path": "/health", "expect": 200}, "interval": "5s"}}"#)
        #expect(options.pulse?.args?.port == 54321)
        #expect(options.pulse?.args?.expect == ExpectValue("200"))
        #expect(options.pulse?.interval == DurationValue(.seconds(5)))
    }

    @Test func digitStringsWorkWhereNumbersDo() throws {
        let options = try decode(BackendOptions.self, #"{"host": "10.1.0.1", "port": "80", "pulse": {"type": "http", "args": {"port": "54321", "expect": "200"}}}"#)
        #expect(options.port == 80)
        #expect(options.pulse?.args?.port == 54321)
    }

    @Test func gorbIntervalForms() throws {
        for (text, seconds) in [("1m", 60), ("1min", 60), ("30sec", 30), ("2hours", 7200), ("10seconds", 10)] {
            let pulse = try decode(PulseOptions.self, "{\"interval\": \"\(text)\"}")
            #expect(pulse.interval == DurationValue(.seconds(seconds)))
        }
    }

    @Test func gorbForwardingSpellings() {
        #expect(ForwardingMethod.parse("NAT") == .nat)
        #expect(ForwardingMethod.parse("ipip") == .tunnel)
        #expect(ForwardingMethod.parse("tunnel") == .tunnel)
        #expect(ForwardingMethod.parse("dr") == .dr)
        #expect(ForwardingMethod.parse("gate") == .dr)
        #expect(ForwardingMethod.parse("local") == nil)
    }

    @Test func vsidIsAccepted() throws {
        #expect(try decode(BackendOptions.self, #"{"host": "10.0.0.1", "vsid": "web"}"#).vsid == "web")
    }
}

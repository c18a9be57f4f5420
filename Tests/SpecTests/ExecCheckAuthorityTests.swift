import Spec
import Testing
import YAMLBridge

/// Overrides saved before the API refused exec checks (or an `overrides.json` edited by hand) are
/// kept but never put in force when they would run a program the file does not name.
@Suite struct ExecCheckAuthorityTests {
    static let file = """
        services:
          web:
            host: 192.0.2.10
            port: 80
            pulse: {type: exec, args: {command: [/usr/lib/gorb/check-web]}}
            backends:
              a: {host: 10.0.0.1, port: 8080}
        """

    func validated() throws -> ValidatedFile {
        try ValidatedFile.parse(bytes: Array(Self.file.utf8), file: "gorb.yaml")
    }

    func execPulse(_ command: [String]) -> PulseOptions {
        var args = PulseArgs()
        args.command = CommandArguments(command)
        return PulseOptions(type: "exec", args: args)
    }

    @Test func aSavedOverrideThatWritesAnExecCheckIsNotInForce() throws {
        let file = try validated()
        let smuggled = Override(service: "web", backend: "b", action: .put, backendOptions: BackendOptions(host: "10.0.0.2", pulse: execPulse(["/bin/sh", "-c", "id"])), created: 0)
        let weight = Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(weight: 7), created: 0)
        let (config, problems) = file.applying(Overlay([smuggled, weight]))
        #expect(config[serviceID: "web"]?[backendID: "b"] == nil)
        #expect(config[serviceID: "web"]?[backendID: "a"]?.weight == 7)  // the harmless one still applies
        #expect(problems.map(\.override) == [smuggled])
        #expect(problems.first?.message.contains("may not create or change an exec health check") == true)
    }

    @Test func inheritingTheFileExecCheckIsTheFileCheck() throws {
        let file = try validated()
        let added = Override(service: "web", backend: "b", action: .put, backendOptions: BackendOptions(host: "10.0.0.2"), created: 0)
        let overlay = Overlay([added])
        let (config, problems) = file.applying(overlay)
        #expect(problems.isEmpty)
        #expect(config[serviceID: "web"]?[backendID: "b"]?.pulse.type == .exec)
        #expect(file.execChecksNotFromFile(overlay, resolved: config).isEmpty)
        #expect(added.execCheckPaths.isEmpty)
    }

    @Test func theBodyPathsThatNameAnExecCheck() {
        var options = ServiceOptions(backends: OrderedEntries([.init(id: "b", value: BackendOptions(pulse: PulseOptions(type: "EXEC")))]))
        options.pulse = execPulse(["/bin/true"])
        let service = Override(service: "x", action: .put, serviceOptions: options, created: 0)
        #expect(service.execCheckPaths == ["services.x.pulse", "services.x.backends.b.pulse"])
        var argsOnly = PulseArgs()
        argsOnly.command = CommandArguments(["/bin/true"])
        let patch = Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(pulse: PulseOptions(args: argsOnly)), created: 0)
        #expect(patch.execCheckPaths == ["services.web.backends.a.pulse"])
        let tcp = Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(pulse: PulseOptions(type: "tcp")), created: 0)
        #expect(tcp.execCheckPaths.isEmpty)
    }
}

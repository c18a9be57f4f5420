import ArgumentParser

/// The command-line entry point. Kept thin: each subcommand parses its options and calls into the
/// library modules, where the behaviour lives and is tested.
@main
struct GorbReconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gorb-reconcile",
        abstract: "Declarative manager for the Linux kernel's IPVS load balancer.",
        discussion: """
            The desired state lives in one YAML or JSON file (default \(ConfigOptions.defaultPath)). \
            'validate' checks it without touching the kernel, so it can gate a GitOps pipeline; \
            'plan' shows what 'apply' would change; 'run' is the daemon; 'status', 'drain', 'undrain', \
            'weight', 'overrides' and 'reload' ask the running daemon through its REST API (--api).
            """,
        version: "0.1.0",
        subcommands: [Validate.self, PlanCommand.self, Apply.self, Run.self, StatusCommand.self, Drain.self, Undrain.self, Weight.self, Overrides.self, Reload.self, MaintenanceCommand.self]
    )
}

/// Options every subcommand that reads the desired-state file shares.
struct ConfigOptions: ParsableArguments {
    static let defaultPath = "/etc/gorb/gorb.yaml"

    @Option(
        name: [.customLong("config")],
        help: ArgumentHelp(
            "The desired-state file, YAML or JSON ('-' reads standard input).",
            valueName: "file"
        )
    )
    var path: String = ConfigOptions.defaultPath

    @Option(
        name: [.customShort("i"), .customLong("interface")],
        help: ArgumentHelp(
            "Default interface: services without 'host' take its first address (overrides settings.interface).",
            valueName: "iface"
        )
    )
    var interface: String?
}

/// Options of the subcommands that touch the kernel.
struct KernelOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Where ownership is remembered across restarts.", valueName: "dir"))
    var stateDirectory: String = "/var/lib/gorb"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelOption = .info

    @Option(name: .customLong("log-format"), help: "text (for people) or json (one object per line, for machines).")
    var logFormat: LogFormat = .text
}

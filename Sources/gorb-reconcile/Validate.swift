import ArgumentParser
import Spec

#if canImport(Glibc)
import Glibc
#endif

/// `gorb-reconcile validate`: parse and check the file; never touches the kernel, needs no root.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the desired-state file and print every error.",
        discussion: """
            Prints 'ok: N services, M backends' and exits 0 when the file is valid. Otherwise prints \
            every problem as FILE:LINE:COL: error: PATH: MESSAGE (to standard error, sorted by \
            position) and exits 1. Needs no kernel and no root: use it in CI before deploying.
            """
    )

    @OptionGroup var config: ConfigOptions

    func run() throws {
        switch ConfigReader.read(config) {
        case .success(let file):
            print("ok: \(file.config.services.count) services, \(file.config.backendCount) backends")
        case .failure(let diagnostics):
            ConfigReader.printErrors(diagnostics, file: config.path)
            throw ExitCode(1)
        }
    }
}

/// Loads the file named by the options, standard input included.
enum ConfigReader {
    static func read(_ options: ConfigOptions) -> Result<ValidatedFile, ConfigErrors> {
        do {
            if options.path == "-" {
                return .success(try ValidatedFile.parse(bytes: readStandardInput(), file: "<stdin>", interface: options.interface))
            }
            return .success(try ValidatedFile.load(path: options.path, interface: options.interface))
        } catch {
            return .failure(error)
        }
    }

    static func printErrors(_ diagnostics: ConfigErrors, file: String) {
        var standardError = StandardError()
        for item in diagnostics.items {
            print(item.description, to: &standardError)
        }
        let count = diagnostics.items.count
        print("\(count) error\(count == 1 ? "" : "s") in \(file == "-" ? "<stdin>" : file)", to: &standardError)
    }

    private static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}

/// Standard error as a `TextOutputStream`, for diagnostics.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

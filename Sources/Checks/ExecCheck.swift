import NIOCore
import NIOPosix
import Spec

#if canImport(Glibc)
import Glibc
#endif

/// `exec`: runs the command (no shell) with the backend's address and port in its environment
/// (`GORB_BACKEND_HOST`, `GORB_BACKEND_PORT`); up when it exits 0 within the timeout, which kills it.
/// It runs as the user ``ExecIdentity`` says: never as root unless the file asks for root.
///
/// `posix_spawn` and the wait run on a ``NIOThreadPool`` thread, never on an event loop. The child
/// inherits no descriptor of ours (NIO opens every socket close-on-exec) and gets `/dev/null` as
/// its standard input and output. One probe holds one pool thread for its duration, so the pool's
/// size bounds how many exec checks run at once.
enum ExecCheck {
    static func run(
        _ probe: ExecProbe,
        backend: Backend,
        timeout: Duration,
        pool: NIOThreadPool,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<ProbeOutcome> {
        let host = "\(backend.address)"
        let port = "\(backend.port)"
        let started = NIODeadline.now()
        return pool.runIfActive(eventLoop: eventLoop) { () -> String? in
            switch ExecIdentity.resolve(user: probe.user) {
            case .success(let identity):
                let failure = Self.spawnAndWait(identity.prefix + probe.command, environment: ["GORB_BACKEND_HOST=\(host)", "GORB_BACKEND_PORT=\(port)"], timeout: timeout)
                // setpriv's own exit statuses when it cannot exec the command.
                if !identity.prefix.isEmpty, let failure, failure == "exit status 126" || failure == "exit status 127" {
                    return "cannot run \(probe.command.first ?? "") as \(probe.user ?? "nobody") (not found, or not executable by that user: \(failure))"
                }
                return failure
            case .failure(let error):
                return "\(error)"
            }
        }
        .map { error in
            let latency = Duration.nanoseconds((NIODeadline.now() - started).nanoseconds)
            return ProbeOutcome(success: error == nil, latency: latency, error: error)
        }
        .recover { error in
            .down("cannot run: \(error)", latency: .zero)
        }
    }

    /// Blocking: spawns, waits up to `timeout`, kills on expiry. Returns nil on exit 0, else why.
    static func spawnAndWait(_ command: [String], environment extra: [String], timeout: Duration) -> String? {
        guard let program = command.first else { return "no command" }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so the kill on timeout reaches what the command started too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !text.hasPrefix("GORB_BACKEND_") { environment.append(text) }
            index += 1
        }
        environment += extra

        var pid: pid_t = 0
        let status: CInt = withCStrings(command) { argv in
            withCStrings(environment) { envp in
                posix_spawnp(&pid, program, &fileActions, &attributes, argv, envp)
            }
        }
        guard status == 0 else { return "cannot run \(program): \(String(cString: strerror(status)))" }

        let deadline = NIODeadline.now() + .nanoseconds(WeightRamp.nanoseconds(timeout))
        var waitStatus: CInt = 0
        var pause: UInt32 = 1_000
        while true {
            let reaped = waitpid(pid, &waitStatus, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { return "wait failed: \(String(cString: strerror(errno)))" }
            if NIODeadline.now() >= deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while waitpid(pid, &waitStatus, 0) < 0 && errno == EINTR {}
                return "timeout after \(timeout): killed"
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)  // 1 ms, doubling to 20 ms: quick commands answer fast
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot see.
        let signal = waitStatus & 0x7F
        if signal != 0 { return "killed by signal \(signal)" }
        let code = (waitStatus >> 8) & 0xFF
        return code == 0 ? nil : "exit status \(code)"
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

// checks-bench: the health checks at scale. N backends (10,000) on loopback addresses, each checked
// every second for a bounded time, tcp or http, through the real `HealthMonitor` + `NIOProber`;
// and the floor: the same probe rate from a minimal NIO loop that only connects and closes (tcp)
// or sends one fixed HTTP request and reads the status line (http). Prints figures, never fails.
//
//   swift run -c release checks-bench [--mode tcp|http] [--floor] [--backends N] [--seconds S]
//                                     [--addresses A] [--threads T] [--interval S]
//
// `--threads` is the number of event loops (default 1, for checker and floor alike: the figures
// then compare one core's work; the daemon itself uses one loop per core).
//
// The targets are A listeners (default 100) on 127.0.1.1 … 127.0.1.A, one port, run by a child
// process (`--serve`, plain blocking accept loops), so the figures are the checker's alone: probes per second completed in the
// measured window (after a 3 s warm-up), CPU seconds (getrusage user + system) in that window, peak
// RSS (VmHWM) of the checker process. Loopback only. scripts/bench-checks runs every combination.
import Addresses
import Checks
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Spec
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

var mode = "tcp"
var floor = false
var serve = false
var backendCount = 10_000
var seconds = 20
var addressCount = 100
var port = 0
var threads = 1
var intervalSeconds = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--mode": mode = arguments.next() ?? mode
    case "--floor": floor = true
    case "--serve": serve = true
    case "--backends": backendCount = arguments.next().flatMap { Int($0) } ?? backendCount
    case "--seconds": seconds = arguments.next().flatMap { Int($0) } ?? seconds
    case "--addresses": addressCount = arguments.next().flatMap { Int($0) } ?? addressCount
    case "--port": port = arguments.next().flatMap { Int($0) } ?? port
    case "--threads": threads = arguments.next().flatMap { Int($0) } ?? threads
    case "--interval": intervalSeconds = arguments.next().flatMap { Int($0) } ?? intervalSeconds
    default:
        print("usage: checks-bench [--mode tcp|http] [--floor] [--backends N] [--seconds S] [--addresses A] [--threads T] [--interval S]")
        exit(2)
    }
}

func address(_ index: Int, of count: Int) -> String { "127.0.1.\(index % count + 1)" }

// MARK: - the target servers (child process)

/// The targets, as cheap as a server gets so the machine's cores go to the checker: one thread per
/// listening address in a blocking accept loop; per connection, for http, one read (bounded by a
/// 200 ms receive timeout) and one fixed `200` answer; then close.
func serveForever(addressCount: Int, port: Int, http: Bool) -> Never {
    let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)
    for index in 0..<addressCount {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        var one: CInt = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = (UInt32(127) << 24 | UInt32(1) << 8 | UInt32(index % 255 + 1)).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4096) == 0 else {
            print("cannot listen on 127.0.1.\(index + 1):\(port): errno \(errno)")
            exit(1)
        }
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { continue }
                if http {
                    setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    if read(connection, &buffer, buffer.count) > 0 {
                        _ = write(connection, response, response.count)
                    }
                }
                close(connection)
            }
        }
    }
    print("ready")
    fflush(nil)
    while true { sleep(3600) }
}

if serve { serveForever(addressCount: addressCount, port: port, http: mode == "http") }

// MARK: - measurement helpers

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func peakRSSMegabytes() -> Double { statusMegabytes("VmHWM:") }

func currentRSSMegabytes() -> Double { statusMegabytes("VmRSS:") }

func statusMegabytes(_ field: String) -> Double {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(field) {
            let kilobytes = text.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kilobytes / 1024
        }
    }
    return -1
}

func monotonicSeconds() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

final class Counters: Sendable {
    let ok = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let lastError = Mutex<String?>(nil)
}

/// Counts outcomes on the way through.
struct CountingProber: Prober {
    let inner: any Prober
    let counters: Counters

    func probe(_ probe: Probe, backend: Backend, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome> {
        inner.probe(probe, backend: backend, timeout: timeout, on: eventLoop).map { outcome in
            if outcome.success {
                counters.ok.add(1, ordering: .relaxed)
            } else {
                counters.failed.add(1, ordering: .relaxed)
                counters.lastError.withLock { $0 = outcome.error }
            }
            return outcome
        }
    }
}

/// Starts the servers, runs the workload for `seconds` after a warm-up, prints the figures.
func benchmark(mode: String, floor: Bool, backendCount: Int, seconds: Int, addressCount: Int, threads: Int, intervalSeconds: Int) throws {
    // MARK: - start the servers in a child process

    let serverPort = 20_000 + Int(getpid() % 20_000)
    var childPID: pid_t = 0
    var pipeFDs: [CInt] = [0, 0]
    pipe(&pipeFDs)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
    let childArguments = [CommandLine.arguments[0], "--serve", "--mode", mode, "--addresses", "\(addressCount)", "--port", "\(serverPort)"]
    var argv: [UnsafeMutablePointer<CChar>?] = childArguments.map { strdup($0) } + [nil]
    guard posix_spawn(&childPID, "/proc/self/exe", &actions, nil, &argv, environ) == 0 else {
        print("cannot start the server process")
        exit(1)
    }
    close(pipeFDs[1])
    var readyByte = [UInt8](repeating: 0, count: 6)
    _ = read(pipeFDs[0], &readyByte, 6)
    defer { kill(childPID, SIGKILL) }

    // MARK: - the workload

    let counters = Counters()
    let loops = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let probe: Probe = mode == "http" ? .http(HTTPProbe(path: "/health")) : .tcp(TCPProbe())
    let interval = Duration.seconds(intervalSeconds)
    let backends = (0..<backendCount).map { index in
        Backend(
            id: "b\(index)",
            address: IPAddress(address(index, of: addressCount))!,
            port: UInt16(serverPort),
            pulse: Pulse(probe: probe, interval: interval, timeout: .seconds(1), rise: 2, fall: 3)
        )
    }

    var monitor: HealthMonitor?
    if floor {
        // The floor: one repeating task per target, each doing only the probe's essential I/O.
        let request = Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
        final class StatusReader: ChannelInboundHandler, Sendable {
            typealias InboundIn = ByteBuffer
            let promise: EventLoopPromise<Void>
            init(promise: EventLoopPromise<Void>) { self.promise = promise }
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                promise.succeed()
                context.close(promise: nil)
            }
            func channelInactive(context: ChannelHandlerContext) { promise.fail(ChannelError.eof) }
        }
        let http = mode == "http"
        for backend in backends {
            let loop = loops.next()
            let target = try ProbeTarget(address: backend.address, port: backend.port).socketAddress()
            let offset = TimeAmount.nanoseconds(Int64.random(in: 0..<1_000_000_000))
            loop.scheduleRepeatedTask(initialDelay: offset, delay: .seconds(1)) { _ in
                if http {
                    let done = loop.makePromise(of: Void.self)
                    ClientBootstrap(group: loop)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(StatusReader(promise: done)) }
                        }
                        .connect(to: target)
                        .whenComplete { result in
                            switch result {
                            case .success(let channel):
                                channel.writeAndFlush(channel.allocator.buffer(bytes: request), promise: nil)
                            case .failure(let error):
                                done.fail(error)
                            }
                        }
                    done.futureResult.whenComplete { result in
                        switch result {
                        case .success: counters.ok.add(1, ordering: .relaxed)
                        case .failure: counters.failed.add(1, ordering: .relaxed)
                        }
                    }
                } else {
                    ClientBootstrap(group: loop).connect(to: target).whenComplete { result in
                        switch result {
                        case .success(let channel):
                            if let provider = channel as? any SocketOptionProvider {
                                _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                            }
                            channel.close(promise: nil)
                            counters.ok.add(1, ordering: .relaxed)
                        case .failure:
                            counters.failed.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
    } else {
        let service = Service(id: "bench", endpoint: .address(host: .ip(IPAddress("127.0.0.1")!), port: 80, protocol: .tcp), backends: backends)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let checks = HealthMonitor(
            group: loops,
            prober: CountingProber(inner: NIOProber(threadPool: pool), counters: counters),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        checks.update(Config(services: [service]))
        checks.start()
        monitor = checks
    }

    // MARK: - measure

    let warmUp: UInt32 = 3
    sleep(warmUp)
    let startOK = counters.ok.load(ordering: .relaxed)
    let startFailed = counters.failed.load(ordering: .relaxed)
    let startCPU = cpuSeconds()
    let startTime = monotonicSeconds()
    sleep(UInt32(seconds))
    let elapsed = monotonicSeconds() - startTime
    let cpu = cpuSeconds() - startCPU
    let ok = counters.ok.load(ordering: .relaxed) - startOK
    let failed = counters.failed.load(ordering: .relaxed) - startFailed
    monitor?.stop()

    let label = "\(mode) \(floor ? "floor " : "checks") (\(threads) loop\(threads == 1 ? "" : "s"))"
    let rate = Double(ok + failed) / elapsed
    let perProbe = cpu / Double(max(1, ok + failed)) * 1e6
    print(
        "\(label): \(backendCount) backends, \(Int(elapsed.rounded())) s: \(Int(rate.rounded())) probes/s (\(ok) up, \(failed) down), "
            + "CPU \(String(format: "%.2f", cpu)) s (\(String(format: "%.1f", cpu / elapsed * 100))% of a core, \(String(format: "%.0f", perProbe)) µs per probe), "
            + "peak RSS \(String(format: "%.1f", peakRSSMegabytes())) MB (\(String(format: "%.1f", currentRSSMegabytes())) MB at the end)"
    )
    if let error = counters.lastError.withLock({ $0 }) { print("  last failure: \(error)") }
    if let monitor {
        let verdicts = monitor.currentVerdicts().backends.values
        let down = verdicts.filter { $0.status == .down }.count
        print("  monitor: \(verdicts.count - down) up or unknown, \(down) down")
    }
}

try benchmark(mode: mode, floor: floor, backendCount: backendCount, seconds: seconds, addressCount: addressCount, threads: threads, intervalSeconds: intervalSeconds)
exit(0)

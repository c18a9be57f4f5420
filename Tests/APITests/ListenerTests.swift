import API
import Foundation
import Testing

/// `run -l`: the forms it takes, which of them other hosts can reach, and the unix socket file.
@Suite struct ListenerTests {
    @Test(arguments: [
        ("127.0.0.1:4672", Listener.tcp(host: "127.0.0.1", port: 4672), true),
        ("127.9.9.9:80", .tcp(host: "127.9.9.9", port: 80), true),
        ("localhost:4672", .tcp(host: "localhost", port: 4672), true),
        ("[::1]:4672", .tcp(host: "::1", port: 4672), true),
        (":4672", .tcp(host: "0.0.0.0", port: 4672), false),
        ("0.0.0.0:4672", .tcp(host: "0.0.0.0", port: 4672), false),
        ("[::]:4672", .tcp(host: "::", port: 4672), false),
        ("192.0.2.1:4672", .tcp(host: "192.0.2.1", port: 4672), false),
        ("[::ffff:127.0.0.1]:4672", .tcp(host: "::ffff:127.0.0.1", port: 4672), true),
        ("[::ffff:192.0.2.1]:4672", .tcp(host: "::ffff:192.0.2.1", port: 4672), false),
        ("LocalHost:80", .tcp(host: "LocalHost", port: 80), true),
        ("127.1:4672", .tcp(host: "127.1", port: 4672), false),
        ("example.com:4672", .tcp(host: "example.com", port: 4672), false),
        ("unix:/run/gorb/api.sock", .unix(path: "/run/gorb/api.sock"), true),
    ])
    func parsesAndJudgesReach(text: String, listener: Listener, local: Bool) {
        #expect(Listener.parse(text) == listener)
        #expect(Listener.parse(text)?.isLocal == local)
    }

    @Test(arguments: ["4672", "127.0.0.1", "127.0.0.1:99999", "unix:", "unix:relative.sock", "unix:/run/gorb/", "unix:/" + String(repeating: "x", count: 120)])
    func refusesWhatIsNotAnAddress(text: String) {
        #expect(Listener.parse(text) == nil)
    }

    @Test func aStaleSocketIsReplacedAnythingElseIsKept() throws {
        let directory = NSTemporaryDirectory() + "gorb-listener-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A regular file where the socket should go: never deleted.
        let file = directory + "/api.sock"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("keep me".utf8)))
        #expect(throws: ListenerError.self) { try Listener.unix(path: file).prepare() }
        #expect(FileManager.default.contents(atPath: file) == Data("keep me".utf8))
        // A socket left by an earlier run: removed, so binding works.
        let stale = directory + "/stale.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in stale.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        #expect(bound == 0)
        try Listener.unix(path: stale).prepare()
        #expect(!FileManager.default.fileExists(atPath: stale))
        // Nothing there: nothing to do.
        try Listener.unix(path: directory + "/none.sock").prepare()
        try Listener.tcp(host: "127.0.0.1", port: 1).prepare()
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Spec
import Testing

/// The overlay file (`overrides.json`) that ``OverlayFile`` reads and writes: the format every
/// earlier release wrote, byte for byte, so a daemon upgraded over a saved overlay keeps it and
/// writes it back unchanged.
@Suite struct OverlayFileTests {
    /// Written by the release before the file moved to Spec (an api-fuzz run's state).
    static let earlierRelease = """
        {
          "overrides" : [
            {
              "action" : "put",
              "created" : 1796290690.8592792,
              "options" : {
                "host" : "192.0.2.108",
                "method" : "rr",
                "port" : 59367
              },
              "service" : "_"
            },
            {
              "action" : "put",
              "backend" : "dkK",
              "created" : 1796290690.9848423,
              "expires" : 1796290720.9848423,
              "options" : {
                "host" : "198.51.100.104",
                "port" : 32869,
                "pulse" : {
                  "type" : "none"
                },
                "weight" : 940
              },
              "service" : "_"
            },
            {
              "action" : "put",
              "created" : 1796290692.6755264,
              "expires" : 1796292492.6755264,
              "options" : {
                "host" : "192.0.2.248",
                "method" : "wlc",
                "port" : 17992
              },
              "service" : "b"
            },
            {
              "action" : "put",
              "created" : 1796290692.9592323,
              "expires" : 1796290722.9592323,
              "options" : {
                "host" : "192.0.2.67",
                "method" : "wlc",
                "port" : 3677
              },
              "service" : "teL"
            },
            {
              "action" : "put",
              "backend" : "n9dLtcyD2.XI",
              "created" : 1796290693.0441027,
              "options" : {
                "host" : "198.51.100.201",
                "port" : 61201,
                "pulse" : {
                  "type" : "none"
                },
                "weight" : 849
              },
              "service" : "teL"
            },
            {
              "action" : "put",
              "created" : 1796290694.2066164,
              "options" : {
                "host" : "192.0.2.99",
                "method" : "wlc",
                "port" : 56364
              },
              "service" : "web"
            },
            {
              "action" : "put",
              "backend" : "web-1",
              "created" : 1796290694.2941172,
              "expires" : 1796290697.2941172,
              "options" : {
                "host" : "198.51.100.201",
                "port" : 61201,
                "pulse" : {
                  "type" : "none"
                },
                "weight" : 849
              },
              "service" : "web"
            }
          ],
          "version" : 1
        }
        """

    static func temporaryDirectory() -> String {
        "/tmp/gorb-overlay-file-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    static func write(_ text: String, to path: String) throws {
        let directory = String(path[..<path.lastIndex(of: "/")!])
        mkdir(directory, 0o755)
        let file = try #require(fopen(path, "w"))
        defer { fclose(file) }
        #expect(fwrite(text, 1, text.utf8.count, file) == text.utf8.count)
    }

    static func read(_ path: String) throws -> String {
        let file = try #require(fopen(path, "r"))
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func anEarlierReleasesFileLoadsAndIsWrittenBackByteForByte() throws {
        let directory = Self.temporaryDirectory()
        let earlier = OverlayFile(path: directory + "/earlier.json", in: directory)
        try Self.write(Self.earlierRelease, to: earlier.path)
        let overlay = try earlier.load()
        #expect(overlay.overrides.count == 7)
        let rewritten = OverlayFile(path: directory + "/overrides.json", in: directory)
        try rewritten.save(overlay)
        #expect(try Self.read(rewritten.path) == Self.earlierRelease)
        #expect(try rewritten.load() == overlay)
    }

    @Test func aMissingFileIsAnEmptyOverlay() throws {
        let directory = Self.temporaryDirectory()
        #expect(try OverlayFile(path: directory + "/overrides.json", in: directory).load().isEmpty)
    }

    /// What is wrong is said with its key path, and the file is named with what to do about it.
    @Test(arguments: [
        (#"{"version": 1, "overrides": [{"service": "web", "action": "drain", "created": 0}]}"#,
         "overrides[0].action: Cannot initialize Action from invalid String value drain"),
        (#"{"version": 1, "overrides": [{"service": "web", "action": "patch", "created": 0}]}"#,
         "overrides[0]: a patch override needs its options"),
        (#"{"version": 1, "overrides": [{"action": "delete", "created": 0}]}"#,
         "overrides[0]: missing required key 'service'"),
        (#"{"version": 1}"#, "missing required key 'overrides'"),
        (#"{"version": 1, "overrides": [{"service": "web", "backend": "a", "action": "patch", "created": 0, "options": {"wieght": 1}}]}"#,
         "overrides[0].options.wieght: unknown key 'wieght' (did you mean 'weight'?)"),
        ("[1]", "expected a mapping, found a list"),
    ])
    func aBadFileSaysWhatAndWhere(text: String, message: String) throws {
        let directory = Self.temporaryDirectory()
        let file = OverlayFile(path: directory + "/overrides.json", in: directory)
        try Self.write(text, to: file.path)
        let error = #expect(throws: OverlayFile.Failure.self) { try file.load() }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("cannot read \(file.path): "), "\(description)")
        #expect(description.contains(message), "\(description)")
        #expect(description.hasSuffix("(fix or move it aside; moving it aside forgets every REST API override)"))
    }
}

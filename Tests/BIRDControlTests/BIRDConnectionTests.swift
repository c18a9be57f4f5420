import BIRDControl
import Testing

/// The control-socket client against a scripted BIRD: the greeting, `configure` and its answers,
/// continuation lines, errors, a BIRD that hangs up or goes quiet.
@Suite struct BIRDConnectionTests {
    static let greeting = ScriptedBIRD.Step.say("0001 BIRD 2.0.12 ready.\n")

    @Test func configureWaitsForReconfigured() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("0002-Reading configuration from /etc/bird/bird.conf\n"), .pause(milliseconds: 50), .say("0003 Reconfigured\n"), .read])
        let connection = try BIRDConnection(path: bird.path)
        #expect(connection.greeting == "BIRD 2.0.12 ready.")
        let reply = try connection.configure()
        #expect(reply == BIRDReply(code: 3, lines: ["Reading configuration from /etc/bird/bird.conf", "Reconfigured"]))
        #expect(bird.commands == ["configure"])
    }

    @Test func inProgressIsAccepted() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("0002-Reading configuration from x\n0004 Reconfiguration in progress\n")])
        #expect(try birdConfigure(socket: bird.path).code == 4)
    }

    @Test func configurationErrorIsRejectedWithBIRDsWords() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("0002-Reading configuration from /etc/bird/bird.conf\n8002 /etc/bird/gorb-vips.conf:1:7 syntax error\n")])
        let error = #expect(throws: BIRDError.self) { try birdConfigure(socket: bird.path) }
        guard case .rejected(let command, let reply)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(command == "configure")
        #expect(reply.code == 8002)
        #expect(error?.description.contains("gorb-vips.conf:1:7 syntax error") == true)
    }

    @Test func parseErrorIsRejected() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("9001 syntax error, unexpected END\n")])
        let connection = try BIRDConnection(path: bird.path)
        let reply = try connection.send("confgure")
        #expect(reply.code == 9001)
        #expect(!reply.succeeded)
    }

    @Test func continuationAndSpontaneousLines() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("+Spontaneous log line\n1002-Name       Proto\n vips       Static\n uplink     BGP\n0000 \n")])
        let connection = try BIRDConnection(path: bird.path)
        let reply = try connection.send("show protocols")
        #expect(reply.code == 0)
        #expect(reply.lines == ["Name       Proto", "vips       Static", "uplink     BGP", ""])
    }

    @Test func replySplitAcrossWrites() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("0002-Read"), .pause(milliseconds: 30), .say("ing\n00"), .pause(milliseconds: 30), .say("03 Reconfigured\n")])
        #expect(try birdConfigure(socket: bird.path).lines == ["Reading", "Reconfigured"])
    }

    @Test func closedMidReply() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .say("0002-Reading configuration\n"), .hangUp])
        #expect(throws: BIRDError.closed(waitingFor: "the reply to 'configure'")) { try birdConfigure(socket: bird.path) }
    }

    @Test func closedBeforeGreeting() throws {
        let bird = ScriptedBIRD([.hangUp])
        #expect(throws: BIRDError.closed(waitingFor: "its greeting")) { try BIRDConnection(path: bird.path) }
    }

    @Test func silentBIRDTimesOut() throws {
        let bird = ScriptedBIRD([Self.greeting, .read, .pause(milliseconds: 2000)])
        let started = ContinuousClock.now
        #expect(throws: BIRDError.timedOut(waitingFor: "the reply to 'configure'")) { try birdConfigure(socket: bird.path, timeout: .milliseconds(200)) }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func wrongGreetingIsRefused() throws {
        let bird = ScriptedBIRD([.say("8007 Access denied\n")])
        #expect(throws: BIRDError.self) { try BIRDConnection(path: bird.path) }
    }

    @Test func garbageIsMalformed() throws {
        let bird = ScriptedBIRD([.say("hello there\n")])
        #expect(throws: BIRDError.malformed("hello there")) { try BIRDConnection(path: bird.path) }
    }

    @Test func noSocketIsUnreachable() {
        let error = #expect(throws: BIRDError.self) { try BIRDConnection(path: "/nonexistent/bird.ctl") }
        #expect(error == .unreachable(path: "/nonexistent/bird.ctl", reason: "No such file or directory"))
    }
}

/// The reply grammar alone.
@Suite struct BIRDReplyReaderTests {
    @Test func shortOrCodelessLinesAreMalformed() {
        for line in ["", "0001", "abcd text", "00a1 x", "0001:x"] {
            var reader = BIRDReplyReader()
            #expect(throws: BIRDError.malformed(line)) { try reader.feed(line) }
        }
    }

    @Test func spaceContinuationNeedsALineBefore() {
        var reader = BIRDReplyReader()
        #expect(throws: BIRDError.malformed(" orphan")) { try reader.feed(" orphan") }
    }

    @Test func finalLineEndsTheReply() throws {
        var reader = BIRDReplyReader()
        #expect(try reader.feed("0002-a") == nil)
        #expect(reader.inReply)
        #expect(try reader.feed("0003 b") == BIRDReply(code: 3, lines: ["a", "b"]))
        #expect(!reader.inReply)
        #expect(try reader.feed("0000 ") == BIRDReply(code: 0, lines: [""]))
    }
}

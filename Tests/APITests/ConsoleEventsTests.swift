import Foundation
import HTTPTypes
import Publishing
import Testing

@testable import API

/// `GET /events`: what each connection is sent (``EventCursor``) and what the feed builds from the
/// published state (``ConsoleFeed``).
@Suite struct ConsoleEventsTests {
    static func frame(version: Int, entries: [(String, String, Int)], globals: String = #"{"auth":"none"}"#, globalsAt: Int = 1, orderAt: Int = 1) -> ConsoleFrame {
        var frame = ConsoleFrame()
        frame.version = version
        frame.order = entries.map(\.0)
        for (id, json, changedAt) in entries { frame.entries[id] = .init(json: json, changedAt: changedAt) }
        frame.globals = globals
        frame.globalsChangedAt = globalsAt
        frame.orderChangedAt = orderAt
        return frame
    }

    /// The `data:` JSON of each event named `name` in `text`.
    static func data(_ text: String, event name: String) -> [[String: Any]] {
        text.components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n").map(String.init)
            guard lines.contains("event: \(name)"), let data = lines.first(where: { $0.hasPrefix("data: ") }) else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any]
        }
    }

    @Test func theFirstEventIsASnapshotThenOnlyWhatChanged() throws {
        var cursor = EventCursor(epoch: "e1", lastEventID: nil)
        let first = cursor.events(for: Self.frame(version: 3, entries: [("a", #"{"id":"a","w":1}"#, 1), ("b", #"{"id":"b","w":1}"#, 2)]))
        #expect(first.hasPrefix("retry: 2000\nid: e1-3\nevent: snapshot\n"))
        let snapshot = try #require(Self.data(first, event: "snapshot").first)
        #expect((snapshot["services"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["a", "b"])
        #expect(snapshot["auth"] as? String == "none")

        // b changed in version 4: only b, no order, no globals.
        let second = cursor.events(for: Self.frame(version: 4, entries: [("a", #"{"id":"a","w":1}"#, 1), ("b", #"{"id":"b","w":0}"#, 4)]))
        let change = try #require(Self.data(second, event: "change").first)
        #expect(second.contains("id: e1-4\n"))
        #expect((change["services"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["b"])
        #expect(change["order"] == nil)
        #expect(change["auth"] == nil)

        // Nothing new: nothing sent.
        #expect(cursor.events(for: Self.frame(version: 4, entries: [("a", "{}", 1), ("b", "{}", 4)])) == "")
    }

    @Test func aSlowClientThatSkippedFramesGetsEverythingChangedSinceItsLastWrite() throws {
        var cursor = EventCursor(epoch: "e1", lastEventID: nil)
        _ = cursor.events(for: Self.frame(version: 2, entries: [("a", "{\"id\":\"a\"}", 1), ("b", "{\"id\":\"b\"}", 1), ("c", "{\"id\":\"c\"}", 2)]))
        // Versions 3 (a changed) and 4 (c went) were never read; version 5 changed the globals.
        let text = cursor.events(for: Self.frame(version: 5, entries: [("a", "{\"id\":\"a\"}", 3), ("b", "{\"id\":\"b\"}", 1)], globals: #"{"auth":"all"}"#, globalsAt: 5, orderAt: 4))
        let change = try #require(Self.data(text, event: "change").first)
        #expect((change["services"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["a"])
        #expect(change["order"] as? [String] == ["a", "b"])
        #expect(change["auth"] as? String == "all")
    }

    @Test func aReconnectOfThisRunResumesAndAnotherRunsIdGetsASnapshot() throws {
        let frame = Self.frame(version: 7, entries: [("a", "{\"id\":\"a\"}", 6), ("b", "{\"id\":\"b\"}", 2)])
        var resumed = EventCursor(epoch: "e1", lastEventID: "e1-5")
        let text = resumed.events(for: frame)
        #expect(!text.contains("event: snapshot"))
        let change = try #require(Self.data(text, event: "change").first)
        #expect((change["services"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["a"])
        #expect(change["order"] as? [String] == ["a", "b"], "the page drops what went while it was away")

        var upToDate = EventCursor(epoch: "e1", lastEventID: "e1-7")
        #expect(upToDate.events(for: frame) == "retry: 2000\n\n")

        for id in ["e0-5", "e1-99", "nonsense", ""] {
            var other = EventCursor(epoch: "e1", lastEventID: id)
            #expect(other.events(for: frame).contains("event: snapshot"), "Last-Event-ID \(id)")
        }
    }

    @Test func statsAreSentOnceEachAndNeverBeforeTheSnapshot() {
        var cursor = EventCursor(epoch: "e1", lastEventID: nil)
        var frame = Self.frame(version: 1, entries: [("a", "{}", 1)])
        frame.stats = #"{"at":1}"#
        frame.statsVersion = 3
        let first = cursor.events(for: frame)
        #expect(first.range(of: "event: snapshot")!.lowerBound < first.range(of: "event: stats")!.lowerBound)
        #expect(cursor.events(for: frame) == "")
        frame.statsVersion = 4
        #expect(cursor.events(for: frame) == "event: stats\ndata: {\"at\":1}\n\n")
    }

    /// Nobody watching, nothing is encoded (at 100,000 backends that was half of a REST
    /// change's cost); the first client to arrive gets a frame of the state as it is now, and a
    /// stale frame is never sent.
    @Test func theFeedBuildsFramesOnlyWhileSomeoneWatches() async throws {
        let harness = try Harness()
        let feed = harness.api.console
        let running = Task { await feed.run() }
        defer { running.cancel() }
        try await harness.run { client in
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 7}"#).status == 200)
            try await Task.sleep(for: .milliseconds(200))
            #expect(feed.frames.current == nil)
            feed.watch()
            var frames = feed.frames.updates.makeAsyncIterator()
            var fresh: ConsoleFrame?
            while fresh == nil, let frame = await frames.next() {
                if let frame, !frame.stale { fresh = frame }
            }
            #expect(fresh?.entries["web"]?.json.contains(#""desired-weight":7"#) == true)
            feed.unwatch()

            // Gone again: the next change marks the frame stale instead of rebuilding it.
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 8}"#).status == 200)
            var stale = false
            for _ in 0..<200 where !stale {
                try await Task.sleep(for: .milliseconds(10))
                stale = feed.frames.current?.stale == true
            }
            #expect(stale)
            #expect(feed.frames.current?.entries["web"]?.json.contains(#""desired-weight":7"#) == true)
        }
    }

    /// The feed over a live controller: a drain through the API changes one service's entry, and
    /// the connection's next event carries that service alone, with the kernel's weight 0.
    @Test func aDrainThroughTheAPIReachesTheStreamAsAChangeOfThatServiceAlone() async throws {
        let harness = try Harness()
        let feed = harness.api.console
        let running = Task { await feed.run() }
        defer { running.cancel() }
        feed.watch()
        defer { feed.unwatch() }
        try await harness.run { client in
            var cursor = EventCursor(epoch: feed.epoch, lastEventID: nil)
            var frames = feed.frames.updates.makeAsyncIterator()
            var snapshot = ""
            while snapshot.isEmpty, let frame = await frames.next() {
                guard let frame, frame.entries["web"].map({ $0.json.contains(#""kernel-weight":100"#) }) == true else { continue }
                snapshot = cursor.events(for: frame)
            }
            #expect(snapshot.contains("event: snapshot"))
            #expect(try await client.call(.patch, "/service/web/web-1", #"{"weight": 0}"#).status == 200)
            var changed: [String: Any]?
            while changed == nil, let frame = await frames.next() {
                guard let frame else { continue }
                changed = Self.data(cursor.events(for: frame), event: "change").first { change in
                    (change["services"] as? [[String: Any]])?.isEmpty == false
                }
            }
            let services = try #require(changed?["services"] as? [[String: Any]])
            #expect(services.compactMap { $0["id"] as? String } == ["web"])
            let backends = try #require(services.first?["backends"] as? [[String: Any]])
            let web1 = try #require(backends.first { $0["id"] as? String == "web-1" })
            #expect(web1["kernel-weight"] as? Int == 0)
            #expect(web1["desired-weight"] as? Int == 0)
            #expect(web1["file-weight"] as? Int == 100)
            #expect((web1["overrides"] as? [[String: Any]])?.count == 1)
        }
    }
}

/// The console's files and its token rules.
@Suite struct ConsolePageTests {
    @Test func thePageIsServedWithoutTheTokenAndWithAStrictPolicy() async throws {
        let harness = try Harness(auth: APIAuth(token: "s3cret", scope: .all))
        try await harness.run { client in
            for path in ["/ui/", "/ui", "/ui/console.js", "/ui/console.css"] {
                let answer = try await client.call(.get, path)
                #expect(answer.status == 200, "\(path)")
                #expect(answer.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true, "\(path)")
                #expect(answer.headers[.contentSecurityPolicy]?.contains("unsafe") == false, "\(path)")
                #expect(answer.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
            }
            #expect(try await client.call(.get, "/ui/").text.contains("<script src=\"/ui/console.js\""))
            #expect(try await client.call(.get, "/events").status == 401)
            #expect(try await client.call(.get, "/status").status == 401)
        }
    }

    @Test func aTokenThatIsSentIsCheckedEvenWhereNoneIsNeeded() async throws {
        let harness = try Harness(auth: APIAuth(token: "s3cret", scope: .mutating))
        try await harness.run { client in
            #expect(try await client.call(.get, "/status").status == 200)
            #expect(try await client.call(.get, "/status", headers: [.authorization: "Bearer s3cret"]).status == 200)
            let wrong = try await client.call(.get, "/status", headers: [.authorization: "Bearer wrong"])
            #expect(wrong.status == 401)
            #expect(wrong.error == "the bearer token is not valid")
        }
    }
}

/// One `GET /events` connection's place in the feed: what it sent last, and so what the next
/// frame owes it, as server-sent-events text.
///
/// - The first event is `snapshot` (every service and the globals) with `retry:` (how long the
///   browser waits before reconnecting).
/// - Then `change` events carry the services whose entry changed since the version the
///   connection sent last, `order` when services came, went or moved, and the globals (status,
///   overrides, plan, auth, sections) when they changed; each has `id: EPOCH-VERSION`.
/// - `stats` comes every stats interval (the kernel's rates, the probes' last checks); it is also
///   the heartbeat: a page that hears nothing for several intervals reconnects.
/// - A reconnect with `Last-Event-ID` of this run resumes with a `change` since that version
///   (with `order`, so the page drops what went meanwhile); any other id gets a snapshot.
struct EventCursor {
    /// The state version sent last; `nil` before the first event.
    private(set) var version: Int?
    private var statsVersion = 0
    /// The version the client says it has (`Last-Event-ID` of this run).
    private let resume: Int?
    let epoch: String
    /// Milliseconds the client waits before reconnecting.
    let retry: Int

    init(epoch: String, lastEventID: String?, retry: Int = 2000) {
        self.epoch = epoch
        self.retry = retry
        if let lastEventID, let dash = lastEventID.lastIndex(of: "-"), lastEventID[..<dash] == epoch {
            resume = Int(lastEventID[lastEventID.index(after: dash)...])
        } else {
            resume = nil
        }
    }

    /// The events `frame` owes this connection ("" when none).
    mutating func events(for frame: ConsoleFrame) -> String {
        var out = ""
        if let sent = version {
            if frame.version > sent { out += change(frame, since: sent, withOrder: frame.orderChangedAt > sent) }
        } else if let resume, resume <= frame.version {
            out += "retry: \(retry)\n\n"
            if frame.version > resume { out += change(frame, since: resume, withOrder: true) }
        } else {
            out += "retry: \(retry)\n" + event("snapshot", id: frame.version, data: snapshot(frame))
        }
        version = frame.version
        if frame.statsVersion != statsVersion, let stats = frame.stats {
            out += "event: stats\ndata: \(stats)\n\n"
        }
        statsVersion = frame.statsVersion
        return out
    }

    private func event(_ name: String, id: Int, data: String) -> String {
        "id: \(epoch)-\(id)\nevent: \(name)\ndata: \(data)\n\n"
    }

    private func snapshot(_ frame: ConsoleFrame) -> String {
        let services = frame.order.compactMap { frame.entries[$0]?.json }
        return Self.object("\"services\":[" + services.joined(separator: ",") + "]", globals: frame.globals)
    }

    private func change(_ frame: ConsoleFrame, since: Int, withOrder: Bool) -> String {
        let services = frame.order.compactMap { id in frame.entries[id].flatMap { $0.changedAt > since ? $0.json : nil } }
        var fields = "\"services\":[" + services.joined(separator: ",") + "]"
        if withOrder { fields += ",\"order\":" + ConsoleFeed.encode(frame.order) }
        return event("change", id: frame.version, data: Self.object(fields, globals: frame.globalsChangedAt > since ? frame.globals : nil))
    }

    /// `{fields, …globals' fields}`: the globals object's members spliced in after `fields`.
    private static func object(_ fields: String, globals: String?) -> String {
        guard let globals, globals.count > 2, globals.hasPrefix("{") else { return "{" + fields + "}" }
        return "{" + fields + "," + globals.dropFirst()
    }
}

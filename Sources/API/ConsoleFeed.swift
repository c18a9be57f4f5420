public import Checks
import Foundation
import Spec
public import Logging
import Publishing
public import Reconciler
import Synchronization

/// What `GET /events` streams, built once for every client: the published state as the console's
/// JSON, one encoded entry per service, each remembering the version in which it last changed.
///
/// A connection remembers the version it sent last and sends only the entries changed since (a
/// `change` event), so a drain on a 1,000-service table sends one service, not the table. A
/// connection that fell behind (a slow client) skips the frames it missed, as every reader of a
/// ``Publishing/LatestValue`` does, and still sends exactly what changed since it last wrote:
/// the entries' versions say so. Nothing waits for a client.
struct ConsoleFrame: Sendable {
    struct Entry: Sendable {
        var json: String
        var changedAt: Int
    }

    /// Bumped whenever a service entry, the order or the globals change.
    var version = 0
    /// Service ids in the file's order.
    var order: [String] = []
    var entries: [String: Entry] = [:]
    /// ``ConsoleGlobals`` as a JSON object.
    var globals = "{}"
    var globalsChangedAt = 0
    var orderChangedAt = 0
    /// The last ``ConsoleStats`` as JSON; `nil` while nobody watches.
    var stats: String?
    var statsVersion = 0
    /// Built from an older state than the one published: nobody watched when it changed. A
    /// connection waits for the fresh frame its arrival asks for instead of sending this one.
    var stale = false
}

/// The web console's live feed: follows ``Controller/state`` (latest wins), turns each published
/// state into a ``ConsoleFrame``, samples the kernel's counters and the probes every
/// `statsInterval` while at least one client watches, and publishes frames for every `GET /events`
/// connection to read. A lifecycle service of the daemon (``run()``); it reads the state and never
/// changes anything.
public final class ConsoleFeed: Sendable {
    let controller: Controller
    let health: HealthMonitor?
    /// `none`, `mutating` or `all`: what the page must ask the token for.
    let auth: String
    let sections: ConsoleSections
    /// How often the `stats` event comes; it is also the stream's heartbeat.
    let statsInterval: Duration
    let logger: Logger
    /// Tells this run's event ids from another's: an id from before a restart means "send all".
    let epoch: String

    let frames = LatestValue<ConsoleFrame?>(nil)
    private let watchers = Mutex(0)
    /// A new state, or a first client after a time with none: either may call for a rebuild.
    /// Newest only: a burst of states makes one rebuild of the latest.
    private let triggers: AsyncStream<Void>
    private let trigger: AsyncStream<Void>.Continuation
    private let rates = Mutex(ConsoleRateMemory())
    /// The views of the last rebuild, by service id: only the state loop touches them.
    private let lastViews = Mutex<[String: ConsoleService]>([:])
    /// The plan of the last rebuild, kept for the globals a stats tick re-encodes.
    private let lastPlan = Mutex<PlanView?>(nil)

    public init(controller: Controller, health: HealthMonitor?, auth: APIAuth, sections: ConsoleSections = .init(), statsInterval: Duration = .seconds(2), logger: Logger) {
        self.controller = controller
        self.health = health
        self.auth = auth.token == nil ? "none" : auth.scope.rawValue
        self.sections = sections
        self.statsInterval = statsInterval
        self.logger = logger
        epoch = String(UInt32.random(in: 1...UInt32.max), radix: 36)
        (triggers, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Follows the state and samples the counters until cancelled (graceful shutdown), then ends
    /// every open stream so that the HTTP server can stop.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in self.controller.state.updates { self.trigger.yield() }
                self.trigger.finish()
            }
            group.addTask { await self.follow() }
            group.addTask { await self.sample() }
            _ = await group.next()
            group.cancelAll()
        }
        trigger.finish()
        frames.finish()
    }

    /// Rebuilds the frame from the latest state while someone watches; otherwise only marks it
    /// stale. Encoding every service of a large table on every pass is most of a REST change's
    /// cost at 100,000 backends, and nobody may be looking: the first client to arrive asks for
    /// the rebuild (``watch()``).
    private func follow() async {
        for await _ in triggers {
            if watchers.withLock({ $0 }) > 0 {
                await rebuild(controller.state.current)
            } else if frames.current?.stale == false {
                frames.update { $0?.stale = true }
            }
        }
    }

    private func sample() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: statsInterval)
            } catch {
                return
            }
            guard watchers.withLock({ $0 }) > 0 else { continue }
            let state = controller.state.current
            let now = WallTime.current().seconds
            let stats = rates.withLock { $0.sample(state, controller: controller, health: health, now: now) }
            let text = Self.encode(stats)
            // Between passes only the optional sections can change the globals.
            let globals = sections.isEmpty ? nil : globalsJSON(state)
            frames.update { frame in
                guard var current = frame else { return }
                current.stats = text
                current.statsVersion += 1
                if let globals, globals != current.globals {
                    current.version += 1
                    current.globals = globals
                    current.globalsChangedAt = current.version
                }
                frame = current
            }
        }
    }

    /// The frame of `state`: every service encoded (about 1 ms per 100 services), compared with
    /// the previous frame so each entry keeps the version in which it really changed.
    func rebuild(_ state: LoadBalancerState) async {
        var plan: PlanView?
        if state.status.lastError != nil || state.status.lastPass.map({ !$0.succeeded }) == true {
            plan = try? await PlanView(controller.plan())
        }
        let index = ConsoleOverrideIndex(state.overlay, problems: state.status.overlayProblems)
        let encoder = Self.encoder()
        let previous = frames.current?.entries ?? [:]
        var built: [(String, String)] = []
        built.reserveCapacity(state.desired.services.count)
        // Comparing views is far cheaper than encoding them: only a service whose view changed is
        // encoded again (a drain on a 1,000-service table encodes one).
        var views = lastViews.withLock { $0 }
        for service in state.services {
            let view = ConsoleService(service, overrides: index)
            if let json = previous[service.id]?.json, views[service.id] == view {
                built.append((service.id, json))
                continue
            }
            let json = (try? encoder.encode(view)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            views[service.id] = view
            built.append((service.id, json))
        }
        if views.count > built.count {
            let present = Set(built.map(\.0))
            views = views.filter { present.contains($0.key) }
        }
        lastViews.withLock { [views] in $0 = views }
        lastPlan.withLock { $0 = plan }
        let globals = globalsJSON(state)
        frames.update { frame in
            var next = frame ?? ConsoleFrame()
            let version = next.version + 1
            var changed = false
            var entries: [String: ConsoleFrame.Entry] = [:]
            entries.reserveCapacity(built.count)
            for (id, json) in built {
                if let old = next.entries[id], old.json == json {
                    entries[id] = old
                } else {
                    entries[id] = ConsoleFrame.Entry(json: json, changedAt: version)
                    changed = true
                }
            }
            let order = built.map(\.0)
            if order != next.order {
                next.order = order
                next.orderChangedAt = version
                changed = true
            }
            if globals != next.globals {
                next.globals = globals
                next.globalsChangedAt = version
                changed = true
            }
            next.entries = entries
            next.stale = false
            if changed || frame == nil { next.version = version }
            frame = next
        }
    }

    /// The globals as JSON; `plan` is the last rebuild's (a stats tick does not plan).
    private func globalsJSON(_ state: LoadBalancerState) -> String {
        Self.encode(ConsoleGlobals(state, plan: lastPlan.withLock { $0 }, auth: auth, sections: sections.read()))
    }

    /// One more client watching: the sampling runs while there is one.
    func watch() {
        let first = watchers.withLock { count in
            count += 1
            return count == 1
        }
        if first { trigger.yield() }
    }

    /// A client left; with none left, the counters are no longer sampled and the last sample is
    /// dropped (the next client must not see rates from long ago).
    func unwatch() {
        let left = watchers.withLock { count in
            count -= 1
            return count
        }
        if left == 0 {
            rates.withLock { $0 = ConsoleRateMemory() }
            frames.update { $0?.stats = nil }
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func encode(_ value: some Encodable) -> String {
        (try? encoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

import Foundation
import SystemdNotify
import Testing

@Suite struct SystemdNotifierTests {
    @Test func noSocketNoNotifier() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]) == nil)
    }

    @Test(arguments: [false, true]) func sendsOneDatagram(abstract: Bool) throws {
        let fake = try FakeNotifySocket(abstract: abstract)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": fake.address]))
        #expect(notifier.send([.ready, .status("2 services")]) == nil)
        #expect(fake.receive() == "READY=1\nSTATUS=2 services")
    }

    @Test func statusIsOneLine() {
        #expect(NotifyState.status("a\nb").line == "STATUS=a b")
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let line = NotifyState.reloadingNow().line
        let parts = line.split(separator: "\n")
        #expect(parts.first == "RELOADING=1")
        let stamp = try #require(parts.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        #expect(stamp > 0)
    }

    @Test func watchdogIntervalIsHalfThePeriod() {
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"], processID: 7) == .seconds(15))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"], processID: 7) == .seconds(15))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"], processID: 7) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"], processID: 7) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:], processID: 7) == nil)
    }

    @Test func aMissingListenerIsReportedNotFatal() throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"]))
        #expect(notifier.send([.ready]) != nil)
    }
}

@Suite(.serialized) struct ServiceNotificationsTests {
    @Test func startThenReloadInOrder() async throws {
        let fake = try FakeNotifySocket()
        let notifications = ServiceNotifications.fromEnvironment(["NOTIFY_SOCKET": fake.address])
        let pass = Gate()
        async let ready = notifications.ready {
            await pass.wait()
            return "2 services, 3 backends (3 up, 0 down), last pass ok"
        }
        // Nothing before the first pass.
        #expect(await fake.next(timeout: 0.2) == nil)
        await pass.open()
        #expect(await ready)
        #expect(await fake.next() == "READY=1\nSTATUS=2 services, 3 backends (3 up, 0 down), last pass ok")

        let reloaded = Gate()
        async let reload: Void = notifications.reload {
            await reloaded.wait()
            return "1 services, 1 backends (1 up, 0 down), last pass ok"
        }
        let reloading = try #require(await fake.next())
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        #expect(await fake.next(timeout: 0.2) == nil)
        await reloaded.open()
        await reload
        #expect(await fake.next() == "READY=1\nSTATUS=1 services, 1 backends (1 up, 0 down), last pass ok")
    }

    @Test func noReadyWhenTheLoopStopsFirst() async throws {
        let fake = try FakeNotifySocket()
        let notifications = ServiceNotifications.fromEnvironment(["NOTIFY_SOCKET": fake.address])
        #expect(await notifications.ready { nil } == false)
        #expect(await fake.next(timeout: 0.2) == nil)
    }

    @Test func withoutASocketNothingWaits() async {
        let notifications = ServiceNotifications.fromEnvironment([:])
        // The first pass is not even awaited: nobody listens.
        #expect(await notifications.ready { Issue.record("awaited"); return "x" } == false)
        await notifications.watchdog { Issue.record("watchdog without WATCHDOG_USEC") }
    }

    @Test func statusFollowsPassesAtMostOncePerInterval() async throws {
        let fake = try FakeNotifySocket()
        let notifications = ServiceNotifications.fromEnvironment(["NOTIFY_SOCKET": fake.address])
        let passes = Counter()
        let task = Task { await notifications.statusUpdates(every: .milliseconds(50)) { (await passes.value, "passes \(await passes.value)") } }
        #expect(await fake.next() == "STATUS=passes 0")
        // No new pass: no new status.
        #expect(await fake.next(timeout: 0.3) == nil)
        await passes.increment()
        #expect(await fake.next() == "STATUS=passes 1")
        task.cancel()
    }

    @Test func watchdogStopsWhenTheLoopIsWedged() async throws {
        let fake = try FakeNotifySocket()
        let notifications = ServiceNotifications.fromEnvironment(["NOTIFY_SOCKET": fake.address, "WATCHDOG_USEC": "100000"])
        let wedge = Gate()
        let calls = Counter()
        let task = Task {
            await notifications.watchdog {
                // The third call into the loop never answers.
                if await calls.increment() >= 3 { await wedge.wait() }
            }
        }
        #expect(await fake.next() == "WATCHDOG=1")
        #expect(await fake.next() == "WATCHDOG=1")
        #expect(await fake.next(timeout: 0.5) == nil)
        await wedge.open()
        #expect(await fake.next() == "WATCHDOG=1")
        task.cancel()
    }
}

/// Opens once; every waiter before and after goes through.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

actor Counter {
    private(set) var value = 0

    @discardableResult
    func increment() -> Int {
        value += 1
        return value
    }
}

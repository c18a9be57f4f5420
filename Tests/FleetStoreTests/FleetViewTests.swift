import Foundation
import Reconciler
import Spec
import Testing

@testable import FleetStore

/// The overlay as a host sees it in etcd: built from a read, moved on by watch events (old ones
/// ignored), and turned into a transaction's deletes and puts.
@Suite struct FleetViewTests {
    static let head = "/g/head"
    static let prefix = "/g/overrides/"

    static func override(_ backend: String, weight: Int64, created: Double = 1) -> Override {
        Override(service: "web", backend: backend, action: .patch, backendOptions: BackendOptions(weight: weight), created: created)
    }

    static func kv(_ key: String, _ override: Override?, created: Int64, modified: Int64) throws -> EtcdWire.KeyValue {
        EtcdWire.KeyValue(
            key: EtcdWire.bytes(key),
            value: try override.map(FleetView.encode) ?? EtcdWire.bytes("x"),
            create_revision: .init(created),
            mod_revision: .init(modified)
        )
    }

    @Test func valuesRoundTrip() throws {
        let override = Override(service: "web", backend: "a", action: .patch, backendOptions: BackendOptions(weight: 0), created: 1_796_312_908.5, expires: 1_796_314_708.5)
        #expect(try FleetView.decode(FleetView.encode(override)).get() == override)
        #expect(throws: FleetView.Problem.self) { try FleetView.decode(EtcdWire.bytes("{\"service\": 3}")).get() }
    }

    @Test func orderIsCreationOrderAndTheHeadIsKept() throws {
        let view = FleetView(keys: [
            try Self.kv(Self.prefix + "z", Self.override("a", weight: 1), created: 3, modified: 3),
            try Self.kv(Self.prefix + "y", Self.override("b", weight: 2), created: 5, modified: 5),
            try Self.kv(Self.head, nil, created: 3, modified: 5),
            try Self.kv("/g/elsewhere", nil, created: 4, modified: 4),
        ], revision: 9, headKey: Self.head, overridesPrefix: Self.prefix)
        #expect(view.overlay.overrides.map(\.backend) == ["a", "b"])
        #expect(view.head == 5)
        #expect(view.revision == 9)
        #expect(view.unreadable.isEmpty)
    }

    @Test func eventsMoveItOnAndOldOnesAreIgnored() throws {
        var view = FleetView(keys: [try Self.kv(Self.prefix + "k1", Self.override("a", weight: 1), created: 3, modified: 3)], revision: 6, headKey: Self.head, overridesPrefix: Self.prefix)
        // Events at or before the view's revision are in it already (a late watch).
        let stale = [EtcdWire.Event(type: "DELETE", kv: try Self.kv(Self.prefix + "k1", nil, created: 0, modified: 5))]
        let staleChanged = view.apply(stale, headKey: Self.head, overridesPrefix: Self.prefix, revision: 6)
        #expect(!staleChanged)
        #expect(view.overlay.overrides.count == 1)
        let fresh = [
            EtcdWire.Event(type: nil, kv: try Self.kv(Self.prefix + "k2", Self.override("b", weight: 0), created: 7, modified: 7)),
            EtcdWire.Event(type: nil, kv: try Self.kv(Self.head, nil, created: 1, modified: 7)),
            EtcdWire.Event(type: "DELETE", kv: try Self.kv(Self.prefix + "k1", nil, created: 0, modified: 7)),
        ]
        let freshChanged = view.apply(fresh, headKey: Self.head, overridesPrefix: Self.prefix, revision: 7)
        #expect(freshChanged)
        #expect(view.overlay.overrides.map(\.backend) == ["b"])
        #expect(view.head == 7)
        #expect(view.revision == 7)
    }

    @Test func unreadableValuesAreReportedNotApplied() throws {
        let view = FleetView(keys: [try Self.kv(Self.prefix + "junk", nil, created: 2, modified: 2)], revision: 2, headKey: Self.head, overridesPrefix: Self.prefix)
        #expect(view.overlay.isEmpty)
        #expect(view.unreadable.keys.sorted() == [Self.prefix + "junk"])
    }

    @Test func differenceDeletesWhatWentAndPutsWhatCame() throws {
        let a = Self.override("a", weight: 1)
        let b = Self.override("b", weight: 2)
        let view = FleetView(keys: [
            try Self.kv(Self.prefix + "ka", a, created: 3, modified: 3),
            try Self.kv(Self.prefix + "kb", b, created: 4, modified: 4),
        ], revision: 4, headKey: Self.head, overridesPrefix: Self.prefix)
        var target = view.overlay
        let newer = Self.override("a", weight: 9, created: 2)
        target.record(newer)
        let (delete, add) = view.difference(to: target)
        #expect(delete == [Self.prefix + "ka"])
        #expect(add == [newer])
        #expect(view.difference(to: view.overlay).delete.isEmpty)
        #expect(view.difference(to: Overlay()).delete.sorted() == [Self.prefix + "ka", Self.prefix + "kb"])
    }

    @Test func localCopyRoundTripsForItsPrefixOnly() throws {
        let directory = NSTemporaryDirectory() + "fleet-copy-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let copy = FleetOverlayCopy(directory: directory)
        #expect(try copy.load(prefix: "/g/") == nil)
        let stored = StoredOverlay(Overlay([Self.override("a", weight: 0)]), revision: 42)
        try copy.save(stored, prefix: "/g/")
        #expect(try copy.load(prefix: "/g/") == stored)
        #expect(try copy.load(prefix: "/other/") == nil)
        try Data("{\"version\": 1, \"prefix\": ".utf8).write(to: URL(fileURLWithPath: copy.path))
        #expect(throws: EtcdError.self) { try copy.load(prefix: "/g/") }
    }
}

import Foundation
import Reconciler
import Spec
import YAMLBridge

/// The overlay as this host last saw it in etcd: one key per override under
/// `PREFIX/overrides/`, in the order etcd created them (their create revision), and the revision
/// it is exact at. A value: built from a full read, moved on by the watch's events, and turned
/// into the operations of a transaction that makes a new overlay out of it.
struct FleetView: Sendable {
    struct Entry: Sendable {
        var key: String
        var created: Int64
        var override: Override
    }

    private(set) var entries: [String: Entry] = [:]
    /// Every change up to this revision is in the view; events at or before it are old news.
    private(set) var revision: Int64
    /// Keys whose value is not an override this release can read (written by hand, or by a
    /// newer release), with why: reported, not applied.
    private(set) var unreadable: [String: String] = [:]
    /// The head key's mod revision (0: never written): what a change's transaction compares.
    private(set) var head: Int64 = 0

    init(revision: Int64 = 0) {
        self.revision = revision
    }

    /// The overrides in creation order.
    var overlay: Overlay {
        Overlay(entries.values.sorted { ($0.created, $0.key) < ($1.created, $1.key) }.map(\.override))
    }

    var stored: StoredOverlay { StoredOverlay(overlay, revision: revision) }

    /// The view at `revision`, from a read of every key under the prefix (the head and the
    /// overrides; anything else is ignored).
    init(keys: [EtcdWire.KeyValue], revision: Int64, headKey: String, overridesPrefix: String) {
        self.revision = revision
        for kv in keys {
            guard let key = EtcdWire.text(base64: kv.key) else { continue }
            if key == headKey {
                head = kv.mod_revision?.value ?? 0
            } else if key.hasPrefix(overridesPrefix) {
                put(kv)
            }
        }
    }

    /// Applies one watch response's events (those after the view's revision); returns whether
    /// the overlay changed.
    mutating func apply(_ events: [EtcdWire.Event], headKey: String, overridesPrefix: String, revision: Int64) -> Bool {
        var changed = false
        for event in events {
            guard let kv = event.kv, let key = EtcdWire.text(base64: kv.key) else { continue }
            let modified = kv.mod_revision?.value ?? 0
            guard modified > self.revision else { continue }
            if key == headKey {
                head = event.type == "DELETE" ? 0 : modified
                continue
            }
            guard key.hasPrefix(overridesPrefix) else { continue }
            if event.type == "DELETE" {
                changed = entries.removeValue(forKey: key) != nil || changed
                unreadable[key] = nil
            } else {
                put(kv)
                changed = true
            }
        }
        let last = events.compactMap { $0.kv?.mod_revision?.value }.max() ?? 0
        self.revision = max(self.revision, revision, last)
        return changed
    }

    private mutating func put(_ kv: EtcdWire.KeyValue) {
        guard let key = EtcdWire.text(base64: kv.key) else { return }
        switch Self.decode(kv.value) {
        case .success(let override):
            entries[key] = Entry(key: key, created: kv.create_revision?.value ?? 0, override: override)
            unreadable[key] = nil
        case .failure(let problem):
            entries[key] = nil
            unreadable[key] = problem.message
        }
    }

    /// What a transaction must do to make `target` out of this view: delete the keys of the
    /// overrides it no longer has, put the ones it adds. Equal overrides are matched one to one.
    func difference(to target: Overlay) -> (delete: [String], add: [Override]) {
        var remaining = entries.values.sorted { ($0.created, $0.key) < ($1.created, $1.key) }
        var add: [Override] = []
        for override in target.overrides {
            if let index = remaining.firstIndex(where: { $0.override == override }) {
                remaining.remove(at: index)
            } else {
                add.append(override)
            }
        }
        return (remaining.map(\.key), add)
    }

    // MARK: - one override's value

    struct Problem: Error { var message: String }

    /// The value of an override's key: the override as `overrides.json` keeps one.
    static func encode(_ override: Override) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(override).base64EncodedString()
    }

    static func decode(_ base64: String?) -> Result<Override, Problem> {
        guard let base64, let data = Data(base64Encoded: base64) else { return .failure(Problem(message: "the value is not base64")) }
        do {
            guard let root = try YAMLParser.parse(Array(data)) else { return .failure(Problem(message: "the value is empty")) }
            let (override, problems) = Override.read(from: root)
            guard let override, problems.isEmpty else {
                return .failure(Problem(message: problems.map(\.description).joined(separator: "; ")))
            }
            return .success(override)
        } catch {
            return .failure(Problem(message: "\(error)"))
        }
    }
}

/// A value kept in one shared, copy-on-write box: copying it is one retain, whatever its size,
/// and two copies that were never changed compare equal without looking inside.
///
/// For the large per-service values (`Service`, `ServiceOptions`) that the file, the overlay, the
/// desired state, the composition, the published state and every consumer hold at once: a change
/// touches a few services of 10,000, and copying and comparing the others field by field was most
/// of its cost.
struct SharedValue<Value: Sendable & Hashable>: Sendable, Hashable {
    private var box: Box

    init(_ value: Value) {
        box = Box(value)
    }

    var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    static func == (lhs: SharedValue, rhs: SharedValue) -> Bool {
        lhs.box === rhs.box || lhs.box.value == rhs.box.value
    }

    func hash(into hasher: inout Hasher) {
        box.value.hash(into: &hasher)
    }

    /// Written only through ``value``'s `_modify`, which copies it first unless this value holds
    /// the only reference: a box that is shared is never written, so sharing it across threads
    /// is safe.
    final class Box: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }
}

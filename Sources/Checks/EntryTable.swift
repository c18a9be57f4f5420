/// The monitor's per-backend entries, found by key: a dictionary whose buckets hold a reference
/// instead of the entry itself.
///
/// An entry (the backend, its health, its timers) is about half a kilobyte, and a dictionary
/// keeps a bucket per slot of its capacity, up to 2.6 per entry right after it grows: 100,000
/// backends made 155 MB of buckets. Boxed, a bucket is one pointer and the entries themselves are
/// allocated once each. An entry read out is a copy; writing one back updates its box in place.
/// Not meant to be copied (a copy would share the boxes): it lives in the monitor's non-copyable
/// state.
struct EntryTable<Key: Hashable, Entry>: Sequence {
    private final class Box {
        var entry: Entry
        init(_ entry: Entry) { self.entry = entry }
    }

    private var boxes: [Key: Box] = [:]

    var count: Int { boxes.count }
    var keys: [Key] { Array(boxes.keys) }

    subscript(key: Key) -> Entry? {
        get { boxes[key]?.entry }
        set {
            if let newValue {
                if let box = boxes[key] { box.entry = newValue } else { boxes[key] = Box(newValue) }
            } else {
                boxes[key] = nil
            }
        }
    }

    func makeIterator() -> some IteratorProtocol<(key: Key, value: Entry)> {
        boxes.lazy.map { (key: $0.key, value: $0.value.entry) }.makeIterator()
    }
}

/// Sendable as its entries are: a box is reachable only through its table, and the table lives
/// in the monitor's non-copyable state behind its lock, so no copy of it ever shares a box.
extension EntryTable: @unchecked Sendable where Key: Sendable, Entry: Sendable {}

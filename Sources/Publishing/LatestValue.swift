import Synchronization

/// A value that changes over time, published by one owner and followed by any number of readers.
///
/// Readers take the value in force now (``current``) or wait for the next one (``updates``). A
/// reader that is slower than the publisher skips the values it missed and gets the newest: the
/// state of a load balancer is worth reading only as it is now, so nothing is buffered for a slow
/// reader, and publishing never waits for one. This is how the loop stays one-directional: the
/// controller and the health checks publish, consumers (REST API, metrics, and the coming VIP,
/// Consul and web console work) read, and no consumer can hold up, or call back into, the loop.
public final class LatestValue<Value: Sendable>: Sendable {
    private struct State {
        var value: Value
        /// Counts publications; a reader remembers the last one it saw.
        var version = 0
        var finished = false
        var waiters: [Int: CheckedContinuation<(Value, Int)?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state: Mutex<State>

    public init(_ initial: Value) {
        state = Mutex(State(value: initial))
    }

    /// The value in force now.
    public var current: Value { state.withLock { $0.value } }

    /// How many values were published after the initial one.
    public var version: Int { state.withLock { $0.version } }

    /// The value in force and its version, read together: a reader that derives something
    /// from the value can tell whether it must derive it again.
    public var currentVersioned: (value: Value, version: Int) { state.withLock { ($0.value, $0.version) } }

    /// Replaces the value and wakes every waiting reader; never blocks.
    public func publish(_ value: Value) {
        let (waiters, version) = state.withLock { state in
            state.value = value
            state.version += 1
            defer { state.waiters = [:] }
            return (state.waiters, state.version)
        }
        for waiter in waiters.values { waiter.resume(returning: (value, version)) }
    }

    /// Changes the value in place under the lock and publishes the result (one publication).
    public func update(_ change: (inout Value) -> Void) {
        let (waiters, value, version) = state.withLock { state in
            change(&state.value)
            state.version += 1
            defer { state.waiters = [:] }
            return (state.waiters, state.value, state.version)
        }
        for waiter in waiters.values { waiter.resume(returning: (value, version)) }
    }

    /// Ends every ``updates`` sequence (their readers see `nil`); ``current`` still answers.
    public func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.waiters = [:] }
            return state.waiters
        }
        for waiter in waiters.values { waiter.resume(returning: nil) }
    }

    /// The value now, then every newer one as it is published (latest wins). Ends when the
    /// publisher finishes or the reading task is cancelled.
    public var updates: Updates { Updates(source: self) }

    /// The next value newer than `seen`; `nil` once finished or cancelled.
    fileprivate func next(after seen: Int) async -> (Value, Int)? {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(Value, Int)?, Never>) in
                let ready: (Value, Int)?? = state.withLock { state in
                    if state.version > seen { return .some((state.value, state.version)) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    /// The values of a ``LatestValue`` as an `AsyncSequence`.
    public struct Updates: AsyncSequence, Sendable {
        public typealias Element = Value
        let source: LatestValue<Value>

        public func makeAsyncIterator() -> Iterator { Iterator(source: source) }

        public struct Iterator: AsyncIteratorProtocol {
            let source: LatestValue<Value>
            var seen = -1

            public mutating func next() async -> Value? {
                guard let (value, version) = await source.next(after: seen) else { return nil }
                seen = version
                return value
            }
        }
    }
}

/// Who waits for which pass: a REST API change answers once the pass that applies it has run.
///
/// A trigger hands out the number of the pass that will serve it (passes run one at a time, so
/// none is half done when a trigger arrives); a waiter is resumed by that pass or a later one.
struct PassTickets {
    private var waiters: [(ticket: Int, continuation: CheckedContinuation<PassReport?, Never>)] = []

    mutating func wait(for ticket: Int, _ continuation: CheckedContinuation<PassReport?, Never>) {
        waiters.append((ticket, continuation))
    }

    /// Resumes the waiters that pass `number` serves.
    mutating func passed(_ number: Int, report: PassReport?) {
        let done = waiters.filter { $0.ticket <= number }
        waiters.removeAll { $0.ticket <= number }
        for waiter in done { waiter.continuation.resume(returning: report) }
    }

    /// The loop stopped: nobody's pass will come.
    mutating func cancelAll() {
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
        waiters = []
    }
}

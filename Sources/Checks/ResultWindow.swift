/// The last ``capacity`` check results as bits: "health over a recent window" for the API, in a
/// fixed 16 bytes per backend. The window only reports; it never decides a weight (GORB's
/// 100-sample window set the recovery time).
public struct ResultWindow: Sendable, Hashable {
    public static let capacity = 64
    private var bits: UInt64 = 0
    public private(set) var count = 0

    public init() {}

    public mutating func append(_ success: Bool) {
        bits = (bits << 1) | (success ? 1 : 0)
        count = min(count + 1, Self.capacity)
    }

    /// Successes among the recorded results; 1 when there are none.
    public var successRatio: Double {
        guard count > 0 else { return 1 }
        let mask: UInt64 = count == 64 ? .max : (1 << UInt64(count)) - 1
        return Double((bits & mask).nonzeroBitCount) / Double(count)
    }
}

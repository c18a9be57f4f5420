/// A check of a conformance scenario that did not hold, with the place in the scenario that
/// made it, so a test target can report it where it happened.
public struct ConformanceFailure: Sendable, CustomStringConvertible {
    public let message: String
    public let fileID: String
    public let filePath: String
    public let line: Int
    public let column: Int

    public var description: String { "\(fileID):\(line): \(message)" }
}

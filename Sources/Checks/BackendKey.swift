/// A backend's identity across configs: its service's id and its own (the file's keys).
public struct BackendKey: Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var backend: String

    public init(service: String, backend: String) {
        self.service = service
        self.backend = backend
    }

    public var description: String { "\(service)/\(backend)" }
}

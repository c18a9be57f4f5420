import Foundation
import Hummingbird
import Reconciler
import Spec

/// `/overrides`: what the REST API changed on top of the file, and the way back to the file.
extension GorbAPI {
    func addOverrideRoutes(_ routes: inout RouteTable) {
        routes.add(.get, "/overrides") { _, _ in
            let state = state
            return JSONBody.response(OverridesView(state.overlay, problems: state.status.overlayProblems))
        }
        routes.add(.delete, "/overrides") { _, _ in
            try await removeOverrides(service: nil, backend: nil)
        }
        routes.add(.delete, "/overrides/service/{service}") { _, context in
            try await removeOverrides(service: try context.parameters.require("service"), backend: nil)
        }
        routes.add(.delete, "/overrides/service/{service}/{backend}") { _, context in
            try await removeOverrides(service: try context.parameters.require("service"), backend: try context.parameters.require("backend"))
        }
    }

    /// Removes overrides and waits for the pass that brings the file's values back.
    private func removeOverrides(service: String?, backend: String?) async throws -> Response {
        let removed: [Override]
        let ticket: Int
        do {
            (removed, ticket) = try await controller.removeOverrides(service: service, backend: backend)
        } catch {
            throw APIFailure(error)
        }
        if let service, removed.isEmpty {
            let subject = backend.map { "\(service)/\($0)" } ?? service
            throw APIFailure(.notFound, "there are no overrides on '\(subject)'")
        }
        if !removed.isEmpty {
            _ = try await answerAfterPass(ticket, subject: service.map { s in backend.map { "\(s)/\($0)" } ?? s } ?? "")
        }
        return JSONBody.response(["removed": removed.count])
    }
}

/// `GET /overrides`.
struct OverridesView: Encodable {
    var overrides: [OverrideView]

    init(_ overlay: Overlay, problems: [OverlayProblem]) {
        overrides = overlay.overrides.map { override in
            OverrideView(override, problem: problems.first { $0.override == override }?.message)
        }
    }
}

struct OverrideView: Encodable {
    var service: String
    var backend: String?
    var action: String
    /// The fields a patch sets.
    var fields: [String]?
    var options: OptionsView?
    /// RFC 3339, UTC.
    var created: String
    var expires: String?
    /// False when it is kept but not applied; `problem` says why.
    var inForce: Bool
    var problem: String?

    enum CodingKeys: String, CodingKey {
        case service, backend, action, fields, options, created, expires
        case inForce = "in-force"
        case problem
    }

    init(_ override: Override, problem: String?) {
        service = override.service
        backend = override.backend
        action = override.action.rawValue
        if override.action == .patch {
            fields = override.serviceOptions?.presentFields ?? override.backendOptions?.presentFields
        }
        if let options = override.serviceOptions { self.options = .service(options) }
        if let options = override.backendOptions { self.options = .backend(options) }
        created = Self.timestamp(override.created)
        expires = override.expires.map(Self.timestamp)
        inForce = problem == nil
        self.problem = problem
    }

    static func timestamp(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }
}

enum OptionsView: Encodable {
    case service(ServiceOptions)
    case backend(BackendOptions)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .service(let options): try options.encode(to: encoder)
        case .backend(let options): try options.encode(to: encoder)
        }
    }
}

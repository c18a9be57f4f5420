public import HTTPTypes
public import Hummingbird
import Reconciler

/// An error answer in GORB's shape, `{"error": "…"}`, with every message in `errors` when there
/// are several (a body with three invalid fields gets all three at once).
public struct APIFailure: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var messages: [String]
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ messages: [String]) {
        self.status = status
        self.messages = messages.isEmpty ? [status.reasonPhrase] : messages
    }

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.init(status, [message])
    }

    init(_ error: OverlayError) {
        switch error.kind {
        case .invalid: self.init(.badRequest, error.messages)
        case .notFound: self.init(.notFound, error.messages)
        case .exists: self.init(.conflict, error.messages)
        case .forbidden: self.init(.forbidden, error.messages)
        case .storage: self.init(.internalServerError, error.messages)
        case .conflict: self.init(.conflict, error.messages)
        case .unavailable: self.init(.serviceUnavailable, error.messages)
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody.response(ErrorBody(error: messages.joined(separator: "; "), errors: messages), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

struct ErrorBody: Encodable {
    var error: String
    var errors: [String]
}

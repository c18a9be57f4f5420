/// `GET /openapi.json`: the OpenAPI 3.1 description of every route. A test checks it against the
/// router's route table (same methods and paths, parameters declared, every `$ref` resolves), and
/// `scripts/api-fuzz` has schemathesis check the daemon's answers against it.
///
/// The request schemas are the file's (Sources/Spec: the same decoder reads a body and
/// `gorb.yaml`): the field names are the CodingKeys, numbers may be written as digit strings, and
/// unknown keys are refused. Words (schedulers, protocols, …) are matched in any case; the enums
/// give their canonical spellings.
///
/// The document itself is `openapi.json` beside this file, so it reads and diffs as JSON. SwiftPM
/// compiles it into the binary (`.embedInCode`, which generates `PackageResources`) rather than
/// copying it into a resource bundle, because the Debian package ships the one static binary and
/// nothing beside it. What the file cannot say for itself (that `ServiceChange` is
/// `ServiceOptions` plus `ttl`, that the enums are Spec's vocabularies) `OpenAPIContractTests`
/// checks.
enum OpenAPIDocument {
    /// The text served, decoded once: the file is UTF-8 JSON.
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}

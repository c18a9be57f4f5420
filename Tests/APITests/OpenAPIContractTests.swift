import Addresses
import API
import Foundation
import HTTPTypes
import Spec
import Testing

/// `GET /openapi.json` against what the daemon really serves and reads: the same routes (no more,
/// no fewer), every path parameter declared, every `$ref` resolvable, and the body schemas naming
/// exactly the fields the file's decoder takes. schemathesis (scripts/api-fuzz) then checks the
/// answers themselves against it.
@Suite struct OpenAPIContractTests {
    /// The document as a client gets it.
    func document() async throws -> [String: Any] {
        let harness = try Harness()
        let box = JSONBox()
        try await harness.run { client in
            let answer = try await client.call(.get, "/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.headers[.contentType] == "application/json")
            box.value = answer.object
        }
        return try #require(box.value)
    }

    static let methods = ["get", "put", "post", "patch", "delete", "head", "options", "trace"]

    @Test func isOpenAPI31() async throws {
        let document = try await document()
        #expect((document["openapi"] as? String)?.hasPrefix("3.1.") == true)
        #expect((document["info"] as? [String: Any])?["title"] as? String == "gorb-reconcile")
    }

    @Test func describesExactlyTheRoutesServed() async throws {
        let document = try await document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where Self.methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let served = Set(try Harness().api.routes().map(\.description))
        #expect(served.count == 25)
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
    }

    @Test func everyPathParameterIsDeclaredAndEveryOperationHasAnIdAndASuccess() async throws {
        let document = try await document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operationIds: [String] = []
        for (path, item) in paths {
            let names = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            let shared = try (item["parameters"] as? [Any] ?? []).map { try Self.resolve($0, in: document) }
            for method in item.keys where Self.methods.contains(method) {
                let operation = try #require(item[method] as? [String: Any])
                let own = try (operation["parameters"] as? [Any] ?? []).map { try Self.resolve($0, in: document) }
                let declared = Set((shared + own).filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                #expect(declared == names, "\(method.uppercased()) \(path): path parameters \(declared.sorted()), the path has \(names.sorted())")
                let id = try #require(operation["operationId"] as? String, "\(method.uppercased()) \(path) has no operationId")
                operationIds.append(id)
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method.uppercased()) \(path) documents no success")
            }
        }
        #expect(Set(operationIds).count == operationIds.count, "operationIds repeat: \(operationIds.sorted())")
    }

    @Test func everyReferenceResolves() async throws {
        let document = try await document()
        var references: [String] = []
        Self.collectReferences(document, into: &references)
        #expect(references.count > 50)
        for reference in Set(references) {
            #expect(Self.target(of: reference, in: document) != nil, "\(reference) does not resolve")
        }
    }

    /// The request schemas are the file's: the same field names as the decoder's keys, so a body the
    /// document allows is one the decoder reads, and no field the decoder takes is undocumented.
    @Test(arguments: [
        ("ServiceChange", ServiceOptions.CodingKeys.allCases.map(\.stringValue) + ["ttl"]),
        ("ServiceOptions", ServiceOptions.CodingKeys.allCases.map(\.stringValue)),
        ("BackendChange", BackendOptions.CodingKeys.allCases.map(\.stringValue) + ["ttl"]),
        ("BackendOptions", BackendOptions.CodingKeys.allCases.map(\.stringValue)),
        ("TunnelOptions", TunnelOptions.CodingKeys.allCases.map(\.stringValue)),
        ("ThresholdOptions", ThresholdOptions.CodingKeys.allCases.map(\.stringValue)),
        ("PulseOptions", PulseOptions.CodingKeys.allCases.map(\.stringValue)),
        ("PulseArgs", PulseArgs.CodingKeys.allCases.map(\.stringValue)),
    ])
    func bodySchemasNameTheDecodersFields(schema: String, fields: [String]) async throws {
        let document = try await document()
        let object = try #require(Self.target(of: "#/components/schemas/\(schema)", in: document) as? [String: Any])
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(fields))
        #expect(object["additionalProperties"] as? Bool == false, "\(schema) must refuse unknown keys, as the decoder does")
    }

    @Test func vocabulariesAreTheSpecs() async throws {
        let document = try await document()
        func enumeration(_ pointer: String) throws -> Set<String> {
            let schema = try #require(Self.target(of: pointer, in: document) as? [String: Any], "\(pointer)")
            return Set(try #require(schema["enum"] as? [String], "\(pointer) has no enum"))
        }
        #expect(try enumeration("#/components/schemas/ServiceOptions/properties/method") == Set(Scheduler.allCases.map(\.rawValue)))
        #expect(try enumeration("#/components/schemas/ServiceOptions/properties/protocol") == Set(TransportProtocol.allCases.map(\.description)))
        #expect(try enumeration("#/components/schemas/PulseOptions/properties/type") == Set(PulseType.allCases.map(\.rawValue)))
        #expect(try enumeration("#/components/schemas/PulseOptions/properties/initial") == Set(InitialHealth.allCases.map(\.rawValue)))
        #expect(try enumeration("#/components/schemas/TunnelOptions/properties/type") == Set(TunnelType.allCases.map(\.rawValue)))
        #expect(try enumeration("#/components/schemas/TunnelOptions/properties/checksum") == Set(TunnelChecksum.allCases.map(\.rawValue)))
        let methods = try enumeration("#/components/schemas/BackendOptions/properties/method")
        #expect(Set(ForwardingMethod.allCases.map(\.rawValue)).isSubset(of: methods))
        for word in methods { #expect(ForwardingMethod.parse(word) != nil, "'\(word)' is documented but not a forwarding method") }
        let flags = try #require(Self.target(of: "#/components/schemas/Flags/anyOf/0/items/enum", in: document) as? [String])
        #expect(Set(flags) == Set(ServiceFlag.allCases.map(\.rawValue)))
        // The view shows the schedulers the body takes, in the same order: one list, once spliced
        // into both schemas, now written twice in openapi.json.
        let schedulers = try ["ServiceOptions", "ServiceView"].map { schema in
            try #require(Self.target(of: "#/components/schemas/\(schema)/properties/method/enum", in: document) as? [String], "\(schema)")
        }
        #expect(schedulers[0] == schedulers[1])
    }

    /// A change body is the options it changes plus `ttl`, field for field. The document once
    /// spliced one list of fields into both schemas; as a JSON file it writes them twice, so this
    /// holds the copies together (a field described in one and not the other would be a lie to
    /// one kind of client).
    @Test(arguments: [("ServiceChange", "ServiceOptions"), ("BackendChange", "BackendOptions")])
    func changeSchemasAreTheOptionsPlusTTL(change: String, options: String) async throws {
        let document = try await document()
        func properties(_ schema: String) throws -> [String: Any] {
            let object = try #require(Self.target(of: "#/components/schemas/\(schema)", in: document) as? [String: Any])
            return try #require(object["properties"] as? [String: Any], "\(schema) has no properties")
        }
        var changeFields = try properties(change)
        #expect(changeFields.removeValue(forKey: "ttl") != nil, "\(change) has no ttl")
        let optionFields = try properties(options)
        #expect(Set(changeFields.keys) == Set(optionFields.keys))
        for (field, schema) in optionFields {
            guard let copy = changeFields[field] else { continue }  // a missing key is reported above
            #expect(try Self.canonical(copy) == Self.canonical(schema), "\(change).\(field) differs from \(options).\(field)")
        }
    }

    /// Every change documents the refusals every change can get: 403 from a web page, 408 too
    /// slow, 415 a form content type.
    @Test func everyChangeDocumentsTheCrossSiteAndTimeoutRefusals() async throws {
        let document = try await document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var changes = 0
        for (path, item) in paths {
            for method in ["put", "patch", "delete", "post"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                changes += 1
                let responses = try #require(operation["responses"] as? [String: Any])
                for status in ["403", "408", "415"] {
                    #expect(responses[status] != nil, "\(method.uppercased()) \(path) does not document \(status)")
                }
            }
        }
        #expect(changes == 11)
    }

    /// The links schemathesis' stateful phase follows: each names an operation that exists and
    /// fills path parameters of it (createBackend's backend id is left to the generator) from the
    /// same parameters of the request that succeeded.
    @Test func linksNameRealOperationsAndTheirPathParameters() async throws {
        let document = try await document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var parametersByOperation: [String: Set<String>] = [:]
        for (path, item) in paths {
            let names = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            for method in item.keys where Self.methods.contains(method) {
                if let id = (item[method] as? [String: Any])?["operationId"] as? String { parametersByOperation[id] = names }
            }
        }
        let links = try #require((document["components"] as? [String: Any])?["links"] as? [String: [String: Any]])
        #expect(links.count >= 7)
        for (name, link) in links {
            let target = try #require(link["operationId"] as? String, "link \(name) has no operationId")
            let names = try #require(parametersByOperation[target], "link \(name) names no operation: \(target)")
            let parameters = try #require(link["parameters"] as? [String: String])
            #expect(!parameters.isEmpty && Set(parameters.keys).isSubset(of: names), "link \(name): \(parameters.keys.sorted()), \(target) takes \(names.sorted())")
            for (parameter, expression) in parameters {
                #expect(expression == "$request.path.\(parameter)", "link \(name): \(expression)")
            }
        }
    }

    // MARK: - JSON pointer helpers

    /// A JSON value as sorted-key bytes, so two parsed values compare by content.
    static func canonical(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }

    /// `value`, or the object its `$ref` points at.
    static func resolve(_ value: Any, in document: [String: Any]) throws -> [String: Any] {
        let object = try #require(value as? [String: Any])
        guard let reference = object["$ref"] as? String else { return object }
        return try #require(target(of: reference, in: document) as? [String: Any], "\(reference) does not resolve")
    }

    /// What a local reference (`#/a/b/0`) points at, or nil.
    static func target(of reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = document
        for raw in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = node as? [String: Any], let next = object[token] {
                node = next
            } else if let array = node as? [Any], let index = Int(token), array.indices.contains(index) {
                node = array[index]
            } else {
                return nil
            }
        }
        return node
    }

    static func collectReferences(_ node: Any, into references: inout [String]) {
        if let object = node as? [String: Any] {
            if let reference = object["$ref"] as? String { references.append(reference) }
            for value in object.values { collectReferences(value, into: &references) }
        } else if let array = node as? [Any] {
            for value in array { collectReferences(value, into: &references) }
        }
    }
}

/// Carries the parsed document out of the harness's `@Sendable` closure.
private final class JSONBox: @unchecked Sendable {
    var value: [String: Any]?
}

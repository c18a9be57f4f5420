import Foundation

/// etcd v3's messages as its JSON gateway speaks them (`api/etcdserverpb/rpc.proto` through
/// grpc-gateway): snake_case names, bytes as base64, 64-bit integers as decimal strings, fields
/// at their default value left out. Only what the fleet store uses.
enum EtcdWire {
    /// Base64 of a key or a value.
    static func bytes(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The key after every key starting with `prefix`: the range end that selects the prefix.
    static func rangeEnd(ofPrefix prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return Data(bytes).base64EncodedString()
            }
            bytes.removeLast()
        }
        return Data([0]).base64EncodedString()
    }

    static func text(base64: String?) -> String? {
        guard let base64, let data = Data(base64Encoded: base64) else { return base64 == nil ? "" : nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - requests

    struct RangeRequest: Encodable {
        var key: String
        var range_end: String?
    }

    struct PutRequest: Encodable {
        var key: String
        var value: String
        /// A lease id, as etcd writes it: a decimal string.
        var lease: String?
    }

    struct DeleteRangeRequest: Encodable {
        var key: String
        var range_end: String?
    }

    struct Compare: Encodable {
        var key: String
        var target = "MOD"
        var result = "EQUAL"
        /// The mod revision compared with, as a string (0: the key does not exist).
        var mod_revision: String
    }

    struct RequestOp: Encodable {
        var request_range: RangeRequest?
        var request_put: PutRequest?
        var request_delete_range: DeleteRangeRequest?
    }

    struct TxnRequest: Encodable {
        var compare: [Compare]
        var success: [RequestOp]
        var failure: [RequestOp]
    }

    struct LeaseGrantRequest: Encodable {
        var TTL: String
    }

    struct LeaseRevokeRequest: Encodable {
        var ID: String
    }

    struct AuthenticateRequest: Encodable {
        var name: String
        var password: String
    }

    struct WatchRequest: Encodable {
        struct Create: Encodable {
            var key: String
            var range_end: String
            var start_revision: String
            var prev_kv = false
        }
        var create_request: Create
    }

    // MARK: - responses

    /// A 64-bit integer: etcd writes them as strings; numbers are taken too.
    struct Int64Text: Decodable, Sendable, Hashable {
        var value: Int64

        init(_ value: Int64) { self.value = value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self), let value = Int64(text) {
                self.value = value
            } else {
                value = try container.decode(Int64.self)
            }
        }
    }

    struct Header: Decodable, Sendable {
        var revision: Int64Text?
        var member_id: String?
    }

    struct KeyValue: Decodable, Sendable {
        var key: String
        var value: String?
        var create_revision: Int64Text?
        var mod_revision: Int64Text?
        var lease: Int64Text?
    }

    struct RangeResponse: Decodable, Sendable {
        var header: Header?
        var kvs: [KeyValue]?
    }

    struct ResponseOp: Decodable, Sendable {
        var response_range: RangeResponse?
    }

    struct TxnResponse: Decodable, Sendable {
        var header: Header?
        var succeeded: Bool?
        var responses: [ResponseOp]?
    }

    struct LeaseGrantResponse: Decodable, Sendable {
        var ID: Int64Text?
        var TTL: Int64Text?
        var error: String?
    }

    struct AuthenticateResponse: Decodable, Sendable {
        var token: String?
    }

    struct StatusResponse: Decodable, Sendable {
        var header: Header?
        var leader: Int64Text?
        var version: String?
    }

    struct Event: Decodable, Sendable {
        /// Absent for a put (the default), `DELETE` for a deletion or a lease's expiry.
        var type: String?
        var kv: KeyValue?
    }

    struct WatchResponse: Decodable, Sendable {
        var header: Header?
        var created: Bool?
        var canceled: Bool?
        var compact_revision: Int64Text?
        var cancel_reason: String?
        var events: [Event]?
    }

    /// One line of the watch stream: a result or the gateway's error.
    struct WatchLine: Decodable, Sendable {
        var result: WatchResponse?
        var error: ErrorBody?
    }

    /// A gRPC error as the gateway answers it: `{"error": "…", "message": "…", "code": 14}`.
    struct ErrorBody: Decodable, Sendable {
        var error: String?
        var message: String?
        var code: Int?
    }
}

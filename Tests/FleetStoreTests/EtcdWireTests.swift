import Foundation
import NIOHTTP1
import Spec
import Testing

@testable import FleetStore

/// etcd's JSON gateway as the store speaks it: base64 keys, 64-bit integers as strings, default
/// fields left out, errors by gRPC code. The samples are what etcd 3.4.23 answered.
@Suite struct EtcdWireTests {
    @Test func rangeEndOfAPrefix() {
        #expect(EtcdWire.text(base64: EtcdWire.rangeEnd(ofPrefix: "/gorb/")) == "/gorb0")
        #expect(Data(base64Encoded: EtcdWire.rangeEnd(ofPrefix: "a\u{7f}"))! == Data([0x61, 0x80]))
    }

    @Test func txnRequestIsTheGatewaysShape() throws {
        let txn = EtcdWire.TxnRequest(
            compare: [EtcdWire.Compare(key: EtcdWire.bytes("/g/head"), mod_revision: "12")],
            success: [EtcdWire.RequestOp(request_put: .init(key: EtcdWire.bytes("/g/overrides/x"), value: EtcdWire.bytes("v"), lease: "7587899328042444037"))],
            failure: [EtcdWire.RequestOp(request_range: .init(key: EtcdWire.bytes("/g/"), range_end: EtcdWire.rangeEnd(ofPrefix: "/g/")))]
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(txn), as: UTF8.self)
        #expect(json == #"{"compare":[{"key":"L2cvaGVhZA==","mod_revision":"12","result":"EQUAL","target":"MOD"}],"failure":[{"request_range":{"key":"L2cv","range_end":"L2cw"}}],"success":[{"request_put":{"key":"L2cvb3ZlcnJpZGVzL3g=","lease":"7587899328042444037","value":"dg=="}}]}"#)
    }

    @Test func txnResponseWithTheReadInside() throws {
        let json = #"{"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"2","raft_term":"2"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"2"}}},{"response_range":{"header":{"revision":"2"},"kvs":[{"key":"L2dvcmIvaGVhZA==","create_revision":"2","mod_revision":"2","version":"1","value":"aGk="}],"count":"1"}}]}"#
        let response = try JSONDecoder().decode(EtcdWire.TxnResponse.self, from: Data(json.utf8))
        #expect(response.succeeded == true)
        #expect(response.header?.revision?.value == 2)
        let kv = try #require(response.responses?.last?.response_range?.kvs?.first)
        #expect(EtcdWire.text(base64: kv.key) == "/gorb/head")
        #expect(kv.mod_revision?.value == 2)
    }

    @Test func failedTxnLeavesSucceededOut() throws {
        let json = #"{"header":{"revision":"9"},"responses":[{"response_range":{"header":{"revision":"9"}}}]}"#
        let response = try JSONDecoder().decode(EtcdWire.TxnResponse.self, from: Data(json.utf8))
        #expect(response.succeeded == nil)
        #expect(response.responses?.last?.response_range?.kvs == nil)
    }

    @Test func watchLines() throws {
        let created = #"{"result":{"header":{"revision":"2"},"created":true}}"#
        let events = #"{"result":{"header":{"revision":"5"},"events":[{"kv":{"key":"L2cvaGVhZA==","create_revision":"2","mod_revision":"5","version":"2","value":"aGk="}},{"type":"DELETE","kv":{"key":"L2cvb3ZlcnJpZGVzL3g=","mod_revision":"5"}}]}}"#
        let compacted = #"{"result":{"header":{"raft_term":"2"},"canceled":true,"compact_revision":"2"}}"#
        let failed = #"{"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}}"#
        let decoder = JSONDecoder()
        #expect(try decoder.decode(EtcdWire.WatchLine.self, from: Data(created.utf8)).result?.created == true)
        let batch = try #require(try decoder.decode(EtcdWire.WatchLine.self, from: Data(events.utf8)).result?.events)
        #expect(batch.map(\.type) == [nil, "DELETE"])
        #expect(try decoder.decode(EtcdWire.WatchLine.self, from: Data(compacted.utf8)).result?.compact_revision?.value == 2)
        #expect(try decoder.decode(EtcdWire.WatchLine.self, from: Data(failed.utf8)).error?.message == "transport is closing")
    }

    @Test func errorsByWhatTheyMean() {
        func outcome(_ status: HTTPResponseStatus, _ body: String) -> EtcdClient.Outcome {
            EtcdClient.outcome(status: status, body: Data(body.utf8))
        }
        #expect(outcome(.serviceUnavailable, #"{"error":"etcdserver: leader changed","message":"etcdserver: leader changed","code":14}"#) == .unavailable("503 etcdserver: leader changed"))
        #expect(outcome(.internalServerError, #"{"error":"etcdserver: request timed out","code":14}"#) == .unavailable("500 etcdserver: request timed out"))
        #expect(outcome(.unauthorized, #"{"error":"etcdserver: invalid auth token","code":16}"#) == .expiredToken)
        #expect(outcome(.forbidden, #"{"error":"etcdserver: permission denied","code":7}"#) == .refused("403 etcdserver: permission denied"))
        #expect(outcome(.badRequest, "not json") == .refused("400 not json"))
    }

    @Test func endpointURLs() {
        let endpoint = EtcdSettings.Endpoint(secure: true, host: "2001:db8::1", port: 2379)
        #expect(endpoint.description == "https://[2001:db8::1]:2379")
    }
}

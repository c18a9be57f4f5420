import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import NIOCore
import Spec

/// Following the prefix: a watch from the last revision seen, on one member at a time, beside a
/// probe of the head key every second that says whether the member still answers and how far
/// behind the watch is. A watch that ends, fails, or falls behind for 3 seconds is opened again
/// (on the next member if this one is gone); a compacted revision means a full read first.
extension EtcdOverlayStore {
    /// How long the watch may trail the head before it is opened again.
    static let stuckAfter = 3.0

    enum WatchEnd: Error {
        /// The revision to resume from was compacted: read everything again.
        case compacted(Int64)
        /// The member ended the stream, or the watch was cancelled.
        case ended(String)
        /// The member stopped answering or the watch fell behind.
        case stuck(String)
    }

    /// Runs until cancelled.
    public func run() async {
        var fullReadNeeded = true
        var backoff: Duration = .milliseconds(200)
        while !Task.isCancelled {
            do {
                if fullReadNeeded {
                    try await fullRead()
                    fullReadNeeded = false
                }
                let from = view.withLock { $0.view.revision } + 1
                let (endpoint, body) = try await client.watch(key: EtcdWire.bytes(settings.prefix), rangeEnd: EtcdWire.rangeEnd(ofPrefix: settings.prefix), from: from)
                recordConnected(endpoint.description)
                backoff = .milliseconds(200)
                do {
                    try await follow(body, on: endpoint)
                } catch let end as WatchEnd {
                    countWatchRestart()
                    switch end {
                    case .compacted(let revision):
                        logger.warning("etcd compacted the revisions this host had not seen; reading the whole overlay again", metadata: ["compacted": "\(revision)"])
                        fullReadNeeded = true
                    case .ended(let why), .stuck(let why):
                        if Task.isCancelled { return }
                        logger.warning("etcd watch ended; opening it again", metadata: ["endpoint": "\(endpoint)", "why": "\(why)"])
                        client.avoid(endpoint)
                    }
                }
            } catch let error as EtcdError {
                record(failure: error)
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(3))
            } catch {
                if Task.isCancelled { return }
                record(failure: .unreachable(EtcdClient.describe(error)))
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(3))
            }
        }
    }

    /// Reads the watch's lines until it ends, beside the probe.
    private func follow(_ body: HTTPClientResponse.Body, on endpoint: EtcdSettings.Endpoint) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.read(body) }
            group.addTask { try await self.probe(endpoint) }
            defer { group.cancelAll() }
            try await group.next()
            throw WatchEnd.ended("the stream ended")
        }
    }

    private func read(_ body: HTTPClientResponse.Body) async throws {
        var pending: [UInt8] = []
        do {
            for try await chunk in body {
                pending.append(contentsOf: chunk.readableBytesView)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if !line.isEmpty { try handle(line) }
                }
                if pending.count > 64 << 20 { throw WatchEnd.ended("a watch message larger than 64 MiB") }
            }
        } catch let end as WatchEnd {
            throw end
        } catch {
            throw WatchEnd.ended(EtcdClient.describe(error))
        }
        if !pending.isEmpty { try handle(pending) }
        throw WatchEnd.ended("the member closed the stream")
    }

    private func handle(_ line: [UInt8]) throws {
        let message: EtcdWire.WatchLine
        do {
            message = try JSONDecoder().decode(EtcdWire.WatchLine.self, from: Data(line))
        } catch {
            throw WatchEnd.ended("the watch sent what is not its JSON: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        if let error = message.error {
            throw WatchEnd.ended("etcd: \(error.message ?? error.error ?? "an error")")
        }
        guard let result = message.result else { return }
        if let compacted = result.compact_revision?.value, compacted > 0 { throw WatchEnd.compacted(compacted) }
        if result.canceled == true { throw WatchEnd.ended("etcd cancelled the watch: \(result.cancel_reason ?? "no reason given")") }
        apply(result)
    }

    /// Every second: the head key's revision, from the member the calls go to.
    private func probe(_ endpoint: EtcdSettings.Endpoint) async throws {
        var failures = 0
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            do {
                let response: EtcdWire.RangeResponse = try await client.call("/v3/kv/range", EtcdWire.RangeRequest(key: EtcdWire.bytes(headKey)), timeout: .milliseconds(1500))
                failures = 0
                recordConnected(nil)
                let head = response.kvs?.first?.mod_revision?.value ?? 0
                let behind = recordHead(head)
                if behind > Self.stuckAfter { throw WatchEnd.stuck("the watch is \(Int(behind))s behind the head (revision \(head))") }
            } catch let error as EtcdError {
                failures += 1
                record(failure: error)
                if failures >= 2 { throw WatchEnd.stuck("\(error)") }
            }
        }
    }
}

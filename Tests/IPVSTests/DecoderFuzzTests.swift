import Foundation
import NetlinkTesting
import SeededRandom
import Testing
@testable import IPVS
@testable import Netlink

/// A seeded random fuzz of the reply decoder: truncated, oversized, misaligned, random and
/// mutated-from-real-kernel-bytes datagrams. The decoder must never trap, and every failure
/// is a ``NetlinkDecodingError`` (typed throws make that a compile-time fact; the loop checks
/// the other half: no crash, no hang).
///
/// One million inputs by default (about a second per 100,000 in a debug build); set
/// GORB_FUZZ_ITERATIONS to change it and GORB_FUZZ_SEED to replay another sequence.
struct DecoderFuzzTests {
    /// SplitMix64 (the same sequence on every platform for a seed), with the two draws the
    /// mutations use.
    struct Random {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(max(bound, 1))) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: generator.next()) }
    }

    static let iterations = ProcessInfo.processInfo.environment["GORB_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1_000_000
    static let seed = ProcessInfo.processInfo.environment["GORB_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x6F72_6221

    /// One input derived from the corpus (or not) by one of the mutation strategies.
    static func mutate(_ corpus: [[UInt8]], _ random: inout Random) -> [UInt8] {
        var bytes = corpus[random.below(corpus.count)]
        switch random.below(9) {
        case 0:  // truncated
            bytes = Array(bytes.prefix(random.below(bytes.count + 1)))
        case 1:  // oversized: random bytes appended
            for _ in 0..<random.below(64) + 1 { bytes.append(random.byte()) }
        case 2:  // misaligned: bytes inserted near the front
            for _ in 0..<random.below(3) + 1 { bytes.insert(random.byte(), at: random.below(min(bytes.count, 40) + 1)) }
        case 3:  // random bit flips
            for _ in 0..<random.below(8) + 1 where !bytes.isEmpty { bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8)) }
        case 4:  // a length field (message or attribute) set to a random value
            if bytes.count >= 2 {
                let offset = random.below(bytes.count - 1) & ~3
                bytes[offset] = random.byte()
                bytes[offset + 1] = random.below(4) == 0 ? random.byte() : 0
            }
        case 5:  // random bytes overwritten
            for _ in 0..<random.below(16) + 1 where !bytes.isEmpty { bytes[random.below(bytes.count)] = random.byte() }
        case 6:  // pure noise
            bytes = (0..<random.below(256)).map { _ in random.byte() }
        case 7:  // a valid netlink header in front of noise
            let length = random.below(128)
            var message: [UInt8] = []
            message.appendNative(UInt32(16 + length))
            message.appendNative(random.below(2) == 0 ? Fixture.familyID : UInt16(random.below(5)))
            message.appendNative(UInt16(2))
            message.appendNative(UInt32(1))
            message.appendNative(UInt32(1))
            bytes = message + (0..<length).map { _ in random.byte() }
        default:  // two corpus datagrams spliced
            let other = corpus[random.below(corpus.count)]
            bytes = Array(bytes.prefix(random.below(bytes.count + 1))) + other.suffix(random.below(other.count + 1))
        }
        return bytes
    }

    @Test func decoderSurvivesBadInput() async throws {
        // The 32 KiB datagrams of the multipart dump add nothing the small ones lack but time.
        let corpus = try Fixture.names.flatMap { try Fixture.datagrams($0) }.filter { $0.count <= 4096 } + [IPVSCodecTests.serviceDumpDatagram]
        var random = Random(state: Self.seed)
        var decoded = 0
        var rejected = 0
        for round in 0..<Self.iterations {
            // Seconds of CPU: let the tests that wait on timers (in parallel, on the same two
            // threads of the cooperative pool) run in between.
            if round % 4096 == 0 { await Task.yield() }
            let input = Self.mutate(corpus, &random)
            do {
                _ = try IPVSReply.decode(datagram: input, familyID: Fixture.familyID)
                decoded += 1
            } catch {
                // `error` is statically a NetlinkDecodingError; it must say something.
                if error.reason.isEmpty { Issue.record("an empty decoding error for \(HexDump.compact(input))") }
                rejected += 1
            }
        }
        #expect(decoded + rejected == Self.iterations)
        #expect(rejected > Self.iterations / 10, "the mutations should mostly produce bad input")
        print("decoder fuzz: \(Self.iterations) inputs (seed \(Self.seed)): \(decoded) decoded, \(rejected) rejected with a typed error")
    }
}

/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Two uses, one generator: health-check jitter, where `SystemRandomNumberGenerator` would cost
/// a system call per probe at 10,000 probes a second and no cryptographic quality is needed; and
/// the tests' random inputs, which must be the same sequence for a seed on every platform so a
/// failure can be replayed from the seed it printed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

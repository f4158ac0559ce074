/// A seeded pseudo-random generator that gives the same numbers on every platform and
/// every Swift version, so experiments, tests and benchmarks are repeatable.
///
/// The algorithm is xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom
/// number generators", 2021; https://prng.di.unimi.it), its 256-bit state filled from
/// the 64-bit seed by SplitMix64, as the authors recommend. Floats are made here, not by
/// the standard library (whose conversion may change between versions): the top 24 bits
/// of a draw give a `Float` in [0, 1) with all 2^24 values equally likely.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// A float uniformly distributed in [0, 1), from the top 24 bits of one draw.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A float uniformly distributed in [lower, upper).
    public mutating func nextFloat(in range: Range<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnitFloat()
    }

    /// `count` floats uniformly distributed in [lower, upper).
    public mutating func floats(_ count: Int, in range: Range<Float>) -> [Float] {
        (0..<count).map { _ in nextFloat(in: range) }
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// A seeded pseudo-random generator that gives the same numbers on every platform and
/// every Swift version, so experiments, tests and benchmarks are repeatable.
///
/// The algorithm is xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom
/// number generators", 2021; https://prng.di.unimi.it), its 256-bit state filled from
/// the 64-bit seed by SplitMix64, as the authors recommend. Floats are made here, not by
/// the standard library (whose conversion may change between versions): the top 24 bits
/// of a draw give a `Float` in [0, 1) with all 2^24 values equally likely. Normal values
/// come from Marsaglia's polar method, whose logarithm is computed here too (from exact
/// IEEE operations), so they do not depend on a platform's math library either.
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

    /// A normal value with the given mean and standard deviation: Marsaglia's polar
    /// method, two uniform values in (−1, 1) drawn until they fall inside the unit circle
    /// (s = u² + v² in (0, 1)), then u · √(−2 ln s / s). The method makes two values;
    /// the second is dropped, so that each call uses the generator the same way.
    public mutating func nextNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        while true {
            let u = Double(next() >> 11) * 0x1p-52 - 1, v = Double(next() >> 11) * 0x1p-52 - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return mean + standardDeviation * Float(u * (-2 * portableLog(s) / s).squareRoot())
            }
        }
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// ln x for 0 < x < ∞ from additions, multiplications and divisions only, which IEEE 754
/// rounds the same way everywhere: x = m · 2^e with m in [√½, √2), then
/// ln m = 2 · atanh(t) = 2 (t + t³/3 + t⁵/5 + …) with t = (m − 1)/(m + 1), |t| < 0.172,
/// summed until the terms stop mattering. Accurate to a few ulps.
func portableLog(_ x: Double) -> Double {
    var m = x.significand  // in [1, 2)
    var e = Double(x.exponent)
    if m > 2.0.squareRoot() {
        m /= 2
        e += 1
    }
    let t = (m - 1) / (m + 1), t2 = t * t
    var term = t, sum = 0.0, k = 1.0
    while abs(term / k) > 1e-18 * abs(sum) || sum == 0 && term != 0 {
        sum += term / k
        term *= t2
        k += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_309_42
}

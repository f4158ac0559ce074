/// e^x and e^x − 1 on eight lanes at once, and the sigmoid and tanh built on them: a
/// library call per value (`Foundation.exp`, `Foundation.tanh`) costs fifty times a vector
/// pass over a feature map.
///
/// Both reduce x the classic way (Cody & Waite): x = n·ln 2 + r with n an integer and
/// |r| ≤ ½ ln 2, so that e^x = 2^n · e^r; 2^n is built from its bits, and e^r − 1 is
/// r + r² · P(r) with Cephes's minimax polynomial P. What is left is rounding, a few ulp
/// in all (measured at most 1.0 for exp, 2.4 for sigmoid, 2.3 for tanh): the tests hold
/// each to 4 ulp of Double's on a dense sweep, with infinities, NaN and subnormals.
///
/// - `exp` is e^x, 0 below about −103.97 (where e^x is under half the least subnormal,
///   1.4·10⁻⁴⁵) and +∞ above 88.72;
/// - `sigmoid` is 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, so that e^x never
///   overflows and sigmoid(−100) is the subnormal 3.7·10⁻⁴⁴, not 0;
/// - `tanh` is sign(x) · E / (E + 2) with E = e^(2|x|) − 1 computed as 2^n · (e^r − 1) +
///   (2^n − 1), without the cancellation of computing e^(2|x|) first: a quotient of two
///   accurate values, near 0 as well as far from it.
///
/// A NaN lane gives NaN in every function. The arithmetic is plain multiplies and adds:
/// `addingProduct` on eight lanes compiles to a mix of vector and per-lane code in these
/// chains, which ran at half the speed.
enum VectorExponential {
    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let (n, r) = reduce(x, lowerBound: -104)
        return scaled(expMinusOnePolynomial(r) + 1, byPowerOfTwo: n)
    }

    /// e^x − 1 for x in 0…40, all that tanh needs (beyond 88, 2^n alone would overflow).
    @inline(__always)
    private static func expMinusOne(_ x: Vector) -> Vector {
        let (n, r) = reduce(x, lowerBound: 0)
        // 2^n · (e^r − 1) + (2^n − 1): 2^n − 1 is exact, and for n = 0 this is e^r − 1 itself.
        let power = scaled(Vector(repeating: 1), byPowerOfTwo: n)
        return (power - 1) + power * expMinusOnePolynomial(r)
    }

    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector {
        let e = exp(-magnitude(x))
        let numerator = Vector(repeating: 1).replacing(with: e, where: x .< 0)
        return numerator / (1 + e)
    }

    @inline(__always)
    static func tanh(_ x: Vector) -> Vector {
        // tanh |x| rounds to 1 in Float beyond 9.01; the bound keeps E + 2 finite.
        let e = expMinusOne(2 * magnitude(x).replacing(with: 20, where: magnitude(x) .> 20))
        // tanh is odd: |x|'s result with x's sign bit (so tanh −0 is −0); a NaN stays NaN,
        // which the bound above would have lost.
        return withSign(of: x, e / (e + 2)).replacing(with: x, where: x .!= x)
    }

    /// The sign bit of each lane (a computed constant: a stored one would be initialized
    /// lazily, a call on every use).
    private static var signBit: SIMD8<Int32> { SIMD8(repeating: Int32.min) }

    /// |x|: x with its sign bit cleared.
    @inline(__always)
    private static func magnitude(_ x: Vector) -> Vector {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<Int32>.self) & ~signBit, to: Vector.self)
    }

    /// `magnitude` (whose sign bit is clear) with the sign bit of `x`.
    @inline(__always)
    private static func withSign(of x: Vector, _ magnitude: Vector) -> Vector {
        unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<Int32>.self) | (unsafeBitCast(x, to: SIMD8<Int32>.self) & signBit), to: Vector.self)
    }

    /// x = n·ln 2 + r: n = x·log₂e rounded to the nearest integer, as an Int32 in each
    /// lane, and r = x − n·ln 2 in two steps, ln 2's leading bits (exact in the product)
    /// then the rest. Lanes below `lowerBound` are raised to it and lanes above 89 lowered
    /// (the results are 0, −1 or +∞ there anyway); a NaN stays NaN in r.
    @inline(__always)
    private static func reduce(_ x: Vector, lowerBound: Float) -> (n: SIMD8<Int32>, r: Vector) {
        let x = x.replacing(with: lowerBound, where: x .< lowerBound).replacing(with: 89, where: x .> 89)
        // Adding 1.5·2²³ rounds to an integer (the ulp there is 1), which then sits in the
        // low bits of the sum's bit pattern: no conversion that could trap on a NaN.
        let magic: Float = 0x1.8p23
        let shifted = x * 1.442_695_04 + magic
        let n = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- Int32(bitPattern: magic.bitPattern)
        let whole = shifted - magic
        let r = (x - whole * 0.693_145_751_953_125) - whole * 1.428_606_765_330_187e-6
        return (n, r)
    }

    /// e^r − 1 for |r| ≤ ½ ln 2, as r + r² · P(r): P is the degree-5 polynomial of Cephes's
    /// `expf` (S. L. Moshier), a minimax fit of (e^r − 1 − r) / r² on that interval, by
    /// Horner's rule: as accurate as the Taylor series to r⁸ in three fewer steps.
    @inline(__always)
    private static func expMinusOnePolynomial(_ r: Vector) -> Vector {
        var p = Vector(repeating: 1.987_569_150_0e-4)
        p = 1.398_199_950_7e-3 + p * r
        p = 8.333_451_907_3e-3 + p * r
        p = 4.166_579_589_4e-2 + p * r
        p = 1.666_666_545_9e-1 + p * r
        p = 5.000_000_120_1e-1 + p * r
        return r + (r * r) * p
    }

    /// p · 2^n for n in −150…128, as two factors 2^⌊n/2⌋ and 2^⌈n/2⌉ that are each a normal
    /// number, built from its exponent bits: the product may be subnormal, 0 or +∞, as
    /// e^x is.
    @inline(__always)
    private static func scaled(_ p: Vector, byPowerOfTwo n: SIMD8<Int32>) -> Vector {
        let low = n &>> 1
        return p * powerOfTwo(low) * powerOfTwo(n &- low)
    }

    /// 2^e for e in −126…127: the biased exponent e + 127 in the exponent bits.
    @inline(__always)
    private static func powerOfTwo(_ e: SIMD8<Int32>) -> Vector {
        unsafeBitCast((e &+ 127) &<< 23, to: Vector.self)
    }
}

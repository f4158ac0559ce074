/// `accumulator + a · b` on eight lanes: one fused multiply-add where the build has it
/// (`GEMM_FMA`, set by Package.swift for AVX2 + FMA machines, and arm64), else a multiply
/// and an add, which compile to plain SSE2 or NEON everywhere (`addingProduct` would
/// become a call to the C library's `fmaf` per lane there). The same rule as the GEMM's
/// micro-kernel, kept in this module so that the direct kernels inline it.
@inline(__always)
func multiplyAdd(_ accumulator: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    #if GEMM_FMA || arch(arm64)
    accumulator.addingProduct(a, b)
    #else
    accumulator + a * b
    #endif
}

/// A run of values read eight at a time: a whole vector where eight remain, the last
/// count mod 8 padded with zeros, never a value past the run (whose extent is the buffer's).
struct VectorReader {
    let values: UnsafeBufferPointer<Float>

    /// The values of `buffer` at `range`: reading stops at the range's end.
    init(_ buffer: UnsafeBufferPointer<Float>, _ range: Range<Int>) { values = UnsafeBufferPointer(rebasing: buffer[range]) }

    /// The values i..<i + 8 (i ≥ 0), zeros for those past the end.
    @inline(__always)
    subscript(_ i: Int) -> SIMD8<Float> {
        if i + 8 <= values.count, let base = values.baseAddress {
            return UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
        }
        var vector = SIMD8<Float>()
        for lane in 0..<max(0, values.count - i) { vector[lane] = values[i + lane] }
        return vector
    }
}

extension VectorReader {
    /// Σ x (each a function of its own, not a closure at the call: the compiler inlines
    /// these loops where a closure within a closure may stay a call per vector).
    @inline(__always)
    func sum() -> Double { vectorSum(count: values.count) { self[$0] } }

    /// Σ (x − shift)².
    @inline(__always)
    func sumOfSquares(minus shift: Float) -> Double {
        let shift = SIMD8(repeating: shift)
        return vectorSum(count: values.count) { i in
            let deviation = self[i] - shift
            return deviation * deviation
        }
    }

    /// Σ x and Σ x · (y − shift) in one pass, x from this run and y from `other`, of the
    /// same count.
    @inline(__always)
    func sumAndSumOfProducts(_ other: VectorReader, minus shift: Float) -> (sum: Double, products: Double) {
        let shift = SIMD8(repeating: shift)
        return vectorSums(count: values.count) { i in
            let x = self[i]
            return (x, x * (other[i] - shift))
        }
    }
}

/// A run of values written eight at a time: the lanes past its end are dropped.
struct VectorWriter {
    let values: UnsafeMutableBufferPointer<Float>

    /// The values of `buffer` at `range`: writing stops at the range's end.
    init(_ buffer: UnsafeMutableBufferPointer<Float>, _ range: Range<Int>) { values = UnsafeMutableBufferPointer(rebasing: buffer[range]) }

    /// Writes `vector` to i..<i + 8 (i ≥ 0), as many lanes as the run has.
    @inline(__always)
    func store(_ vector: SIMD8<Float>, at i: Int) {
        if i + 8 <= values.count, let base = values.baseAddress {
            UnsafeMutableRawPointer(base + i).storeBytes(of: vector, as: SIMD8<Float>.self)
            return
        }
        for lane in 0..<max(0, values.count - i) { values[i + lane] = vector[lane] }
    }
}

/// Σ over `count` values of `term(i)`, the eight terms of values i..<i + 8 for i = 0, 8,
/// 16, …; the lanes past `count` are dropped. Eight Float sums within each block of 256
/// values (32 terms a lane), Double across the blocks: a channel of a 1080p feature map has
/// two million values, whose Float sum would lose its last digits.
@inline(__always)
func vectorSum(count: Int, _ term: (_ i: Int) -> SIMD8<Float>) -> Double {
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    var total = 0.0
    for block in stride(from: 0, to: count, by: 256) {
        let end = min(count, block + 256)
        // Two sums, so that one's addition need not wait for the other's.
        var (partial, other) = (SIMD8<Float>(), SIMD8<Float>())
        var i = block
        while i + 16 <= end {
            partial += term(i)
            other += term(i + 8)
            i += 16
        }
        while i + 8 <= end {
            partial += term(i)
            i += 8
        }
        if i < end { partial += term(i).replacing(with: 0, where: lanes .>= Int32(end - i)) }
        total += Double((partial + other).sum())
    }
    return total
}

/// Two such sums in one pass over the values, in the same order: `terms(i)` gives the
/// eight terms of each. (A loop of its own: `vectorSum` written as one of a pair, the
/// other 0, stopped being inlined and ran at half the speed.)
@inline(__always)
func vectorSums(count: Int, _ terms: (_ i: Int) -> (SIMD8<Float>, SIMD8<Float>)) -> (Double, Double) {
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    var totals = (0.0, 0.0)
    for block in stride(from: 0, to: count, by: 256) {
        let end = min(count, block + 256)
        // Two vectors per sum, so that one's addition need not wait for the other's.
        var (first, second) = ((SIMD8<Float>(), SIMD8<Float>()), (SIMD8<Float>(), SIMD8<Float>()))
        var i = block
        while i + 16 <= end {
            let (a, b) = (terms(i), terms(i + 8))
            first.0 += a.0; second.0 += a.1
            first.1 += b.0; second.1 += b.1
            i += 16
        }
        while i + 8 <= end {
            let a = terms(i)
            first.0 += a.0; second.0 += a.1
            i += 8
        }
        if i < end {
            let (a, past) = (terms(i), lanes .>= Int32(end - i))
            first.0 += a.0.replacing(with: 0, where: past); second.0 += a.1.replacing(with: 0, where: past)
        }
        totals.0 += Double((first.0 + first.1).sum())
        totals.1 += Double((second.0 + second.1).sum())
    }
    return totals
}

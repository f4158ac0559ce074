/// How the micro-kernel computes `accumulator + a · b` on eight lanes at once.
///
/// Two ways, both always correct: separate multiply and add (two roundings) compiles to
/// plain SSE2 or NEON everywhere; fused multiply-add (one rounding, one instruction) is
/// compiled only where the CPU has it, because elsewhere `addingProduct` becomes a
/// call to the C library's `fmaf` per lane, about fifty times slower.
protocol MultiplyAdd: Sendable {
    static func multiplyAdd(_ accumulator: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
}

/// `accumulator + a * b`, rounded twice: the portable path.
enum SeparateMultiplyAdd: MultiplyAdd {
    @inline(__always)
    static func multiplyAdd(_ accumulator: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        accumulator + a * b
    }
}

#if GEMM_FMA || arch(arm64)
/// `accumulator + a * b`, rounded once: `vfmadd231ps` with AVX2 + FMA, `fmla` on arm64.
enum FusedMultiplyAdd: MultiplyAdd {
    @inline(__always)
    static func multiplyAdd(_ accumulator: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        accumulator.addingProduct(a, b)
    }
}

/// The arithmetic `sgemm` uses on this build.
typealias NativeMultiplyAdd = FusedMultiplyAdd
let compiledMultiplyAdds: [any MultiplyAdd.Type] = [FusedMultiplyAdd.self, SeparateMultiplyAdd.self]
#else
/// The arithmetic `sgemm` uses on this build.
typealias NativeMultiplyAdd = SeparateMultiplyAdd
let compiledMultiplyAdds: [any MultiplyAdd.Type] = [SeparateMultiplyAdd.self]
#endif

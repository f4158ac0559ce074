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

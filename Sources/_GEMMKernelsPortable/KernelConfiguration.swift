// The portable kernel: 6×16 on `SIMD8<Float>`, which compiles to SSE2 on any x86-64
// CPU and to NEON on arm64. Its multiply-add is fused only where that is one
// instruction of the base instruction set (arm64's `fmla`); on x86-64 it is a multiply
// and an add, because `addingProduct` without FMA would call `fmaf` per lane.

typealias KernelVector = SIMD8<Float>

#if arch(arm64)
typealias KernelArithmetic = FusedMultiplyAdd
#else
typealias KernelArithmetic = SeparateMultiplyAdd
#endif

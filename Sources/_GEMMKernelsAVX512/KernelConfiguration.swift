// The AVX-512 kernel: 6×32 on `SIMD16<Float>`, compiled with `-mavx512f` so that each
// multiply-add is one `vfmadd231ps` on a 512-bit zmm register: the 6×16 kernel's
// arithmetic, in the same order, in half the instructions. The GEMM module runs it only
// on a CPU that has AVX-512F (`CPUFeatures`).

typealias KernelVector = SIMD16<Float>
typealias KernelArithmetic = FusedMultiplyAdd

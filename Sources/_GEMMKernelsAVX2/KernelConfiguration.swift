// The AVX2 + FMA kernel: 6×16 on `SIMD8<Float>`, compiled with `-mavx2 -mfma` so that
// each lane's multiply-add is one `vfmadd231ps` on a 256-bit ymm register. The GEMM
// module runs it only on a CPU that has both (`CPUFeatures`).

typealias KernelVector = SIMD8<Float>
typealias KernelArithmetic = FusedMultiplyAdd

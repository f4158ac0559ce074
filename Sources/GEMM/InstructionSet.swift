/// The instruction sets this package has GEMM kernels for, from the plainest to the widest.
public enum InstructionSet: String, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// What every 64-bit CPU has: SSE2 on x86-64, NEON (with fused multiply-add) on arm64.
    case portable
    /// 256-bit vectors and fused multiply-add: x86-64-v3, Intel Haswell and AMD Zen onward.
    case avx2
    /// 512-bit vectors (AVX-512 Foundation): Intel Skylake-SP and AMD Zen 4 onward.
    case avx512

    public var description: String {
        switch self {
        case .portable: "SSE2 or NEON"
        case .avx2: "AVX2 + FMA"
        case .avx512: "AVX-512F"
        }
    }

    public static func < (lhs: InstructionSet, rhs: InstructionSet) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

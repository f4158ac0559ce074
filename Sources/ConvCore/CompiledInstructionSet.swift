import GEMM

/// The instruction set ConvCore's own SIMD loops (the direct, depthwise and Winograd
/// loops, the vector functions) were compiled for: AVX2 + FMA where `Package.swift` found
/// them on the building machine, else portable. Unlike the GEMM's kernels, which are
/// chosen at run time, these need a CPU that has it; `CONV_DEMO_PORTABLE=1` builds them
/// for any x86-64.
public let compiledInstructionSet: InstructionSet = {
    #if GEMM_FMA && arch(x86_64)
    return .avx2
    #else
    return .portable
    #endif
}()

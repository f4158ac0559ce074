/// How a micro-kernel computes `accumulator + a · b`, lane by lane.
///
/// Two ways, both always correct: separate multiply and add (two roundings) compiles to
/// plain SSE2 or NEON everywhere; fused multiply-add (one rounding, one instruction) is
/// used only where the target compiles it to an instruction, because elsewhere
/// `addingProduct` becomes a call to the C library's `fmaf` per lane, about fifty times
/// slower. Each kernel target names its choice in `KernelConfiguration.swift`.
protocol MultiplyAdd {
    /// Whether each lane is rounded once (fused) or twice.
    static var isFused: Bool { get }
    static func multiplyAdd<Vector: SIMD>(_ accumulator: Vector, _ a: Vector, _ b: Vector) -> Vector where Vector.Scalar == Float
}

/// `accumulator + a * b`, rounded twice: the portable arithmetic of x86-64.
enum SeparateMultiplyAdd: MultiplyAdd {
    static var isFused: Bool { false }

    @inline(__always)
    static func multiplyAdd<Vector: SIMD>(_ accumulator: Vector, _ a: Vector, _ b: Vector) -> Vector where Vector.Scalar == Float {
        accumulator + a * b
    }
}

/// `accumulator + a * b`, rounded once: `vfmadd231ps` with AVX2 + FMA or AVX-512, `fmla` on arm64.
enum FusedMultiplyAdd: MultiplyAdd {
    static var isFused: Bool { true }

    @inline(__always)
    static func multiplyAdd<Vector: SIMD>(_ accumulator: Vector, _ a: Vector, _ b: Vector) -> Vector where Vector.Scalar == Float {
        accumulator.addingProduct(a, b)
    }
}

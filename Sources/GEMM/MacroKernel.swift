/// Loops 2 and 1 of the GEMM (BLIS's `ker_var2`): one packed block Ã (rows × depth)
/// times some packed panels of B̃ (depth × the given columns), one micro-kernel call
/// per MR×NR tile of C, moving across B̃ in the outer loop so that each NR-wide panel
/// of B̃ stays in L1 while the MR-row panels of Ã stream past it from L2.
enum MacroKernel {
    static func multiply<Arithmetic: MultiplyAdd>(
        _ arithmetic: Arithmetic.Type, depth: Int,
        packedA aBuffer: UnsafeBufferPointer<Float>, rows: Int,
        packedB bBuffer: UnsafeBufferPointer<Float>, columns: Range<Int>,
        alpha: Float, beta: Float, c: OutputMatrix
    ) {
        let mr = MicroKernel6x16.mr, nr = MicroKernel6x16.nr
        guard rows > 0, !columns.isEmpty else { return }
        precondition(ceilDiv(rows, mr) * mr * depth <= aBuffer.count, "MacroKernel: Ã holds \(aBuffer.count) floats, not \(rows) rows of depth \(depth)")
        precondition(ceilDiv(columns.upperBound, nr) * nr * depth <= bBuffer.count, "MacroKernel: B̃ holds \(bBuffer.count) floats, not \(columns.upperBound) columns of depth \(depth)")
        let (packedA, packedB) = (aBuffer.baseAddress!, bBuffer.baseAddress!)
        for jr in stride(from: columns.lowerBound, to: columns.upperBound, by: nr) {              // loop 2
            for ir in stride(from: 0, to: rows, by: mr) {                                          // loop 1
                MicroKernel6x16.multiply(
                    arithmetic, depth: depth,
                    a: packedA + ir * depth, b: packedB + jr * depth,
                    alpha: alpha, beta: beta,
                    c: c.base + ir * c.ld + jr, ldc: c.ld,
                    rows: min(mr, rows - ir), columns: min(nr, columns.upperBound - jr))
            }
        }
    }
}

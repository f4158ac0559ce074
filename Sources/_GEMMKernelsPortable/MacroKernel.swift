/// Loops 2 and 1 of the GEMM (BLIS's `ker_var2`): one packed block Ã (rows × depth)
/// times some packed panels of B̃ (depth × the given columns), one micro-kernel call
/// per MR×NR tile of C, moving across B̃ in the outer loop so that each NR-wide panel
/// of B̃ stays in L1 while the MR-row panels of Ã stream past it from L2.
///
/// This is what the GEMM module calls, once per block, in whichever kernel target the
/// running CPU can run: the same source is compiled once per instruction set, and
/// `KernelConfiguration.swift` names each build's vector and arithmetic.
package enum MacroKernel {
    typealias Tile = MicroKernel<KernelVector, KernelArithmetic>

    /// MR × NR, the micro-kernel's tile of C.
    package static var tile: (rows: Int, columns: Int) { (Tile.mr, Tile.nr) }
    /// Floats per vector register of the micro-kernel.
    package static var vectorLanes: Int { KernelVector.scalarCount }
    /// Whether the micro-kernel rounds each product and sum once (a fused multiply-add).
    package static var fusedMultiplyAdd: Bool { KernelArithmetic.isFused }

    /// C[0..<rows, columns] = alpha · Ã · B̃[:, columns] + beta · C, where C's row i
    /// starts at `c + i · ldc`.
    /// - Precondition: Ã holds ⌈rows / MR⌉ micro-panels of `depth`, B̃ the panels up to
    ///   `columns.upperBound`, and `columns` starts at a multiple of NR.
    package static func multiply(
        depth: Int, packedA aBuffer: UnsafeBufferPointer<Float>, rows: Int,
        packedB bBuffer: UnsafeBufferPointer<Float>, columns: Range<Int>,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let (mr, nr) = tile
        guard rows > 0, !columns.isEmpty else { return }
        precondition(columns.lowerBound % nr == 0, "MacroKernel: columns start inside a panel")
        precondition((rows + mr - 1) / mr * mr * depth <= aBuffer.count, "MacroKernel: Ã holds \(aBuffer.count) floats, not \(rows) rows of depth \(depth)")
        precondition((columns.upperBound + nr - 1) / nr * nr * depth <= bBuffer.count, "MacroKernel: B̃ holds \(bBuffer.count) floats, not \(columns.upperBound) columns of depth \(depth)")
        let (packedA, packedB) = (aBuffer.baseAddress!, bBuffer.baseAddress!)
        for jr in stride(from: columns.lowerBound, to: columns.upperBound, by: nr) {              // loop 2
            for ir in stride(from: 0, to: rows, by: mr) {                                          // loop 1
                Tile.multiply(
                    depth: depth,
                    a: packedA + ir * depth, b: packedB + jr * depth,
                    alpha: alpha, beta: beta,
                    c: c + ir * ldc + jr, ldc: ldc,
                    rows: min(mr, rows - ir), columns: min(nr, columns.upperBound - jr))
            }
        }
    }
}

/// The only part of the GEMM that knows the CPU: a 6 × 2V tile of C held in twelve
/// vector registers of V lanes while one packed micro-panel of A meets one of B.
///
/// Per step of k it loads 2V floats of B̃ (two vectors), broadcasts each of 6 floats of
/// Ã, and does 12 multiply-adds: 12 independent accumulators, enough to hide the latency
/// of the FMA units. On `SIMD8<Float>` (AVX2, SSE2, NEON) the tile is 6×16 and uses 15
/// of AVX2's 16 vector registers; on `SIMD16<Float>` (AVX-512) it is 6×32, the same
/// arithmetic in half the instructions. Every sum over k runs in the same order in
/// both, so the two give the same bits.
///
/// Contract (as BLIS states its kernels'):
/// - `a` is an MR×depth micro-panel packed column by column (MR floats per step of k),
///   `b` a depth×NR micro-panel packed row by row (NR floats per step of k), both
///   zero-padded to the full MR and NR;
/// - `rows ≤ MR` and `columns ≤ NR` say how much of the tile exists in C;
/// - C[i, j] = alpha · Σₚ a[i, p] · b[p, j] + beta · C[i, j] for i < rows, j < columns;
/// - `beta == 0` means overwrite: C is never read, so it may hold NaN.
enum MicroKernel<Vector: SIMD, Arithmetic: MultiplyAdd> where Vector.Scalar == Float {
    static var mr: Int { 6 }
    static var nr: Int { 2 * Vector.scalarCount }

    @inline(__always)
    static func multiply(
        depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        alpha: Float, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int
    ) {
        let lanes = Vector.scalarCount
        var c00 = Vector(), c01 = Vector()
        var c10 = Vector(), c11 = Vector()
        var c20 = Vector(), c21 = Vector()
        var c30 = Vector(), c31 = Vector()
        var c40 = Vector(), c41 = Vector()
        var c50 = Vector(), c51 = Vector()

        var ap = a, bp = b
        for _ in 0..<depth {
            let b0 = UnsafeRawPointer(bp).loadUnaligned(as: Vector.self)
            let b1 = UnsafeRawPointer(bp + lanes).loadUnaligned(as: Vector.self)
            var ai = Vector(repeating: ap[0])
            c00 = Arithmetic.multiplyAdd(c00, ai, b0); c01 = Arithmetic.multiplyAdd(c01, ai, b1)
            ai = Vector(repeating: ap[1])
            c10 = Arithmetic.multiplyAdd(c10, ai, b0); c11 = Arithmetic.multiplyAdd(c11, ai, b1)
            ai = Vector(repeating: ap[2])
            c20 = Arithmetic.multiplyAdd(c20, ai, b0); c21 = Arithmetic.multiplyAdd(c21, ai, b1)
            ai = Vector(repeating: ap[3])
            c30 = Arithmetic.multiplyAdd(c30, ai, b0); c31 = Arithmetic.multiplyAdd(c31, ai, b1)
            ai = Vector(repeating: ap[4])
            c40 = Arithmetic.multiplyAdd(c40, ai, b0); c41 = Arithmetic.multiplyAdd(c41, ai, b1)
            ai = Vector(repeating: ap[5])
            c50 = Arithmetic.multiplyAdd(c50, ai, b0); c51 = Arithmetic.multiplyAdd(c51, ai, b1)
            ap += mr
            bp += nr
        }

        // Twelve vectors: 384 bytes on SIMD8, 768 on SIMD16, both under the 1 KiB that
        // stays on the stack.
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 2 * mr) { tile in
            tile[0] = c00; tile[1] = c01; tile[2] = c10; tile[3] = c11
            tile[4] = c20; tile[5] = c21; tile[6] = c30; tile[7] = c31
            tile[8] = c40; tile[9] = c41; tile[10] = c50; tile[11] = c51
            store(tile, alpha: alpha, beta: beta, c: c, ldc: ldc, rows: rows, columns: columns)
        }
    }

    /// C = alpha · tile + beta · C on the part of the tile that exists. A full tile goes
    /// by vectors, an edge tile element by element; both round the same way (a product,
    /// a product, a sum), so a value does not depend on where its tile falls.
    @inline(__always)
    private static func store(
        _ tile: UnsafeMutableBufferPointer<Vector>, alpha: Float, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int
    ) {
        let lanes = Vector.scalarCount
        if rows == mr && columns == nr {
            for i in 0..<mr {
                for half in 0..<2 {
                    let target = UnsafeMutableRawPointer(c + i * ldc + lanes * half)
                    var value = alpha * tile[2 * i + half]
                    if beta != 0 {
                        value = value + beta * target.loadUnaligned(as: Vector.self)
                    }
                    target.storeBytes(of: value, as: Vector.self)
                }
            }
        } else {
            for i in 0..<rows {
                for j in 0..<columns {
                    let value = alpha * tile[2 * i + j / lanes][j % lanes]
                    c[i * ldc + j] = beta == 0 ? value : value + beta * c[i * ldc + j]
                }
            }
        }
    }
}

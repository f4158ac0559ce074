import Foundation

/// Whether a GEMM operand is used as stored or transposed: op(X) = X or Xᵀ.
public enum Transpose: Sendable {
    case asStored
    case transposed
}

/// The number of cores this process may run on: `sgemm`'s default thread count.
package var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }

/// Single-precision general matrix multiply: C = alpha · op(A) · op(B) + beta · C.
///
/// Matrices are row-major with leading dimensions (the distance between the starts of
/// two rows), so a block inside a larger matrix is passed as it is. op(A) is m × k, op(B)
/// is k × n, C is m × n; with `.transposed`, A is stored k × m or B is stored n × k.
/// - Parameters:
///   - a: op(A) as stored: m × k with `.asStored`, k × m with `.transposed`; `lda` ≥ its width.
///   - b: op(B) as stored: k × n with `.asStored`, n × k with `.transposed`; `ldb` ≥ its width.
///   - beta: 0 means C is overwritten and never read (it may hold NaN).
///   - c: m × n, `ldc` ≥ n.
///   - threads: at most this many threads (default: every available core). The values
///     computed are the same whatever the count.
///
/// It runs `GEMMKernel.selected`, the widest kernel the running CPU has.
/// - Precondition: sizes ≥ 0 and each buffer holds its whole matrix.
public func sgemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafeBufferPointer<Float>, lda: Int,
    b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutableBufferPointer<Float>, ldc: Int,
    threads: Int? = nil
) {
    sgemm(
        GEMMKernel.selected, transA, transB, m: m, n: n, k: k, alpha: alpha,
        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: threads)
}

/// `sgemm` on arrays: C = alpha · op(A) · op(B) + beta · C. See the buffer form for the
/// layout of each matrix.
public func sgemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: [Float], lda: Int,
    b: [Float], ldb: Int,
    beta: Float = 0,
    c: inout [Float], ldc: Int,
    threads: Int? = nil
) {
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                sgemm(
                    transA, transB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: threads)
            }
        }
    }
}

/// `sgemm` with op(A) packed ahead of time (see `PackedMatrix`): C = alpha · op(A) · op(B)
/// + beta · C, where op(A) is `a.rows` × `a.depth`. Same layout and contract for B and C
/// as the other forms, and the same values.
public func sgemm(
    _ a: PackedMatrix, _ transB: Transpose, n: Int,
    alpha: Float = 1,
    b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutableBufferPointer<Float>, ldc: Int,
    threads: Int? = nil
) {
    multiply(GEMMKernel.selected, .running, .packed(a), m: a.rows, n: n, k: a.depth, alpha: alpha,
             strided(transB, k: a.depth, n: n, b: b, ldb: ldb), beta: beta, c: c, ldc: ldc, threads: threads)
}

/// `sgemm` with a chosen kernel and block sizes, so tests can run every kernel this CPU
/// has and show that the block sizes change no value.
func sgemm(
    _ kernel: GEMMKernel, blocking: CacheBlocking = .running,
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafeBufferPointer<Float>, lda: Int,
    b: UnsafeBufferPointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutableBufferPointer<Float>, ldc: Int,
    threads: Int?
) {
    precondition(m >= 0 && k >= 0, "sgemm: negative size m=\(m) k=\(k)")
    checkOperand("A", a.count, transA == .asStored ? (m, k) : (k, m), ld: lda)
    multiply(kernel, blocking, .strided(StridedMatrix(start(of: a), leadingDimension: lda, transA)), m: m, n: n, k: k, alpha: alpha,
             strided(transB, k: k, n: n, b: b, ldb: ldb), beta: beta, c: c, ldc: ldc, threads: threads)
}

/// op(B) as a strided view, after checking that `b` holds it.
private func strided(_ transB: Transpose, k: Int, n: Int, b: UnsafeBufferPointer<Float>, ldb: Int) -> StridedMatrix {
    precondition(n >= 0, "sgemm: negative size n=\(n)")
    checkOperand("B", b.count, transB == .asStored ? (k, n) : (n, k), ld: ldb)
    return StridedMatrix(start(of: b), leadingDimension: ldb, transB)
}

/// Where a checked buffer starts. An empty one holds a matrix with no elements, which is
/// never read, and may have no address: any aligned pointer serves.
private func start(of buffer: UnsafeBufferPointer<Float>) -> UnsafePointer<Float> {
    buffer.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Float>.alignment)!
}

/// The checks and the call to the driver that every form of `sgemm` shares; A and B
/// are checked by the caller, A in whichever form it came.
private func multiply(
    _ kernel: GEMMKernel, _ blocking: CacheBlocking, _ a: BlockedGEMM.LeftOperand,
    m: Int, n: Int, k: Int, alpha: Float, _ b: StridedMatrix,
    beta: Float, c: UnsafeMutableBufferPointer<Float>, ldc: Int, threads: Int?
) {
    checkOperand("C", c.count, (m, n), ld: ldc)
    precondition(threads.map { $0 >= 1 } ?? true, "sgemm: threads must be at least 1")
    guard m > 0, n > 0, let cBase = c.baseAddress else { return }
    BlockedGEMM.multiply(
        kernel, blocking, m: m, n: n, k: k, alpha: alpha, a: a, b: b,
        beta: beta, c: OutputMatrix(base: cBase, ld: ldc),
        threads: threads ?? availableCores)
}

/// Traps unless a stored rows × columns matrix with leading dimension `ld` fits in
/// `count` floats and `ld` is at least its width.
func checkOperand(_ name: String, _ count: Int, _ shape: (rows: Int, columns: Int), ld: Int) {
    precondition(ld >= max(1, shape.columns), "sgemm: ld\(name.lowercased()) = \(ld) is less than the width \(shape.columns) of \(name)")
    let needed = shape.rows == 0 || shape.columns == 0 ? 0 : (shape.rows - 1) * ld + shape.columns
    precondition(count >= needed, "sgemm: \(name) holds \(count) floats, \(shape.rows)×\(shape.columns) with ld \(ld) needs \(needed)")
}

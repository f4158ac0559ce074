/// The oracle: C = alpha · op(A) · op(B) + beta · C straight from the definition, one dot
/// product per element, k from 0 upwards. Slow and obviously correct; the fast `sgemm`
/// is tested against it, and the benchmark shows how far apart they are.
///
/// Same layout and contract as `sgemm`, including: beta == 0 never reads C.
public func naiveSGEMM(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: [Float], lda: Int,
    b: [Float], ldb: Int,
    beta: Float = 0,
    c: inout [Float], ldc: Int
) {
    checkOperand("A", a.count, transA == .asStored ? (m, k) : (k, m), ld: lda)
    checkOperand("B", b.count, transB == .asStored ? (k, n) : (n, k), ld: ldb)
    checkOperand("C", c.count, (m, n), ld: ldc)
    func opA(_ i: Int, _ p: Int) -> Float { transA == .asStored ? a[i * lda + p] : a[p * lda + i] }
    func opB(_ p: Int, _ j: Int) -> Float { transB == .asStored ? b[p * ldb + j] : b[j * ldb + p] }

    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                sum += opA(i, p) * opB(p, j)
            }
            c[i * ldc + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * ldc + j]
        }
    }
}

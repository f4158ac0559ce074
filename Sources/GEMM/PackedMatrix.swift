/// op(A) packed once, in the layout the micro-kernel reads, for a run of products with
/// the same A: a layer's weights against tile after tile of im2col columns. With few rows
/// (a convolution has as many as output channels), packing A costs a few percent of each
/// product; packed once, that cost is gone from every product after the first.
///
/// The layout is the one `sgemm` would pack block by block, laid end to end: pass after
/// pass over k (the same equal passes of at most KC), each pass ⌈m / MR⌉ micro-panels of
/// MR rows zero-padded, MR floats per step of k. So the row block that starts at row `ic`
/// (a multiple of MR) of the pass that starts at `pc` begins at
/// `paddedRows · pc + ic · depthOfThatPass`.
public final class PackedMatrix: @unchecked Sendable {  // Immutable once packed.
    /// m: rows of op(A).
    public let rows: Int
    /// k: columns of op(A), the depth of the products.
    public let depth: Int
    /// Bytes the packed floats take.
    public var bytes: Int { storage.count * MemoryLayout<Float>.stride }
    private let paddedRows: Int
    private let passDepth: Int
    private let storage: AlignedBuffer

    /// Packs op(A), m × k, read from `a` as `sgemm` would (row-major, leading dimension
    /// `lda`; stored k × m when `.transposed`). An empty op(A), m = 0 or k = 0, is allowed:
    /// its products are empty, or C scaled by beta.
    /// - Precondition: sizes ≥ 0 and `a` holds the whole matrix.
    public init(_ transA: Transpose, rows m: Int, depth k: Int, a: UnsafeBufferPointer<Float>, lda: Int) {
        precondition(m >= 0 && k >= 0, "PackedMatrix: negative size m=\(m) k=\(k)")
        checkOperand("A", a.count, transA == .asStored ? (m, k) : (k, m), ld: lda)
        let mr = GEMMKernel.rows
        rows = m
        depth = k
        paddedRows = ceilDiv(m, mr) * mr
        passDepth = k == 0 ? 1 : CacheBlocking.passDepth(k)
        storage = AlignedBuffer(count: paddedRows * k)
        guard m > 0, k > 0, let base = a.baseAddress else { return }
        let matrix = StridedMatrix(base, leadingDimension: lda, transA)
        storage.withUnsafeMutableBufferPointer { packed in
            for pc in stride(from: 0, to: k, by: passDepth) {
                GEMMKernel.selected.pack(
                    matrix.offset(row: 0, column: pc).transposed, depth: min(passDepth, k - pc),
                    columns: 0..<m, width: m, panelWidth: mr, into: packed.extracting((paddedRows * pc)...))
            }
        }
    }

    /// Runs `body` on the packed rows from row `ic` (a multiple of MR) to the end of the
    /// pass over k that starts at `pc`.
    func withPanels<Result>(pass pc: Int, row ic: Int, _ body: (UnsafeBufferPointer<Float>) -> Result) -> Result {
        let depthHere = min(passDepth, depth - pc)
        return storage.withUnsafeMutableBufferPointer { packed in
            body(UnsafeBufferPointer(packed.extracting((paddedRows * pc + ic * depthHere)..<(paddedRows * (pc + depthHere)))))
        }
    }
}

/// A read-only view of a matrix in memory through two strides: element (i, j) is at
/// `base[i * rowStride + j * columnStride]`.
///
/// A row-major matrix with leading dimension `ld` has strides (ld, 1); its transpose is
/// the same memory with the strides swapped, so `op(X)` costs nothing to form.
struct StridedMatrix: @unchecked Sendable {  // Read-only; the driver hands each worker disjoint work.
    let base: UnsafePointer<Float>
    let rowStride: Int
    let columnStride: Int

    /// op(X) of a row-major X with leading dimension `ld`.
    init(_ base: UnsafePointer<Float>, leadingDimension ld: Int, _ op: Transpose) {
        self.base = base
        (rowStride, columnStride) = op == .asStored ? (ld, 1) : (1, ld)
    }

    private init(base: UnsafePointer<Float>, rowStride: Int, columnStride: Int) {
        self.base = base
        self.rowStride = rowStride
        self.columnStride = columnStride
    }

    var transposed: StridedMatrix {
        StridedMatrix(base: base, rowStride: columnStride, columnStride: rowStride)
    }

    /// The view whose (0, 0) is this view's (row, column).
    func offset(row: Int, column: Int) -> StridedMatrix {
        StridedMatrix(base: base + row * rowStride + column * columnStride, rowStride: rowStride, columnStride: columnStride)
    }
}

/// A writable row-major block of C with leading dimension `ld`.
struct OutputMatrix: @unchecked Sendable {  // Workers write disjoint tiles.
    let base: UnsafeMutablePointer<Float>
    let ld: Int

    func offset(row: Int, column: Int) -> OutputMatrix {
        OutputMatrix(base: base + row * ld + column, ld: ld)
    }
}

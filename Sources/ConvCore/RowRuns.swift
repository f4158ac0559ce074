/// A range of the cells of a row-major grid, `width` cells a row, cut where the rows end:
/// for each row the range touches, the row, the columns it covers there, and where they
/// start within the range. im2col walks a tile of output positions this way, the Winograd
/// lowering a chunk of its tiles. Computed as it is visited, so it allocates nothing, and
/// each `for` over it starts from the range's beginning.
struct RowRuns: Sequence, IteratorProtocol {
    let cells: Range<Int>
    let width: Int
    private var cell: Int

    /// - Precondition: `width` ≥ 1 and `cells` ≥ 0.
    init(_ cells: Range<Int>, width: Int) { (self.cells, self.width, cell) = (cells, width, cells.lowerBound) }

    mutating func next() -> (row: Int, columns: Range<Int>, offset: Int)? {
        guard cell < cells.upperBound else { return nil }
        let (row, first) = cell.quotientAndRemainder(dividingBy: width)
        let end = Swift.min(width, first + cells.upperBound - cell)
        defer { cell += end - first }
        return (row, first..<end, cell - cells.lowerBound)
    }
}

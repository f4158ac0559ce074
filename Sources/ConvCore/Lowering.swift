import GEMM

/// One convolution layer lowered onto one input geometry: where each image, group and
/// tile lies in the flat tensors, and the GEMM calls.
///
/// Every matrix handed to the GEMM is a slice of the buffer that really holds it, cut
/// with `extracting`, which traps rather than reach past the end: the offsets computed
/// here from the shapes are checked against the arrays' own counts.
struct Lowering {
    let geometry: ConvGeometry
    let groups: Int
    let inPerGroup: Int
    let outPerGroup: Int
    let im2col: Im2Col
    /// A 1×1 kernel, stride 1, no padding: each input pixel is read once, in order, so
    /// the input plane is the column matrix and im2col is skipped.
    let isPointwise: Bool

    init(_ conv: Conv2D, _ geometry: ConvGeometry) {
        self.geometry = geometry
        groups = conv.groups
        inPerGroup = conv.inChannels / conv.groups
        outPerGroup = conv.outChannels / conv.groups
        im2col = Im2Col(geometry: geometry, channels: inPerGroup)
        let (h, w) = (geometry.height, geometry.width)
        isPointwise = h.kernel == 1 && w.kernel == 1 && h.stride == 1 && w.stride == 1
            && h.padBefore + h.padAfter + w.padBefore + w.padAfter == 0
    }

    var rows: Int { im2col.rows }
    var positions: Int { geometry.positions }
    var inputPlane: Int { geometry.height.input * geometry.width.input }

    func plan(batch: Int, threads: Int, splitForThreads: Bool) -> LoweringPlan {
        LoweringPlan(batch: batch, groups: groups, rows: rows, positions: positions, threads: threads,
                     needsColumns: !isPointwise, splitForThreads: splitForThreads)
    }

    /// An image's group of input channels: C/G planes of H × W.
    func inputSlice(image: Int, group: Int) -> Range<Int> {
        let start = (image * groups + group) * inPerGroup * inputPlane
        return start..<start + inPerGroup * inputPlane
    }

    /// An image's group of output channels: O/G planes of Hout × Wout.
    func outputSlice(image: Int, group: Int) -> Range<Int> {
        let start = (image * groups + group) * outPerGroup * positions
        return start..<start + outPerGroup * positions
    }

    /// A group's kernels: O/G rows of C/G · kh · kw weights.
    func weightSlice(group: Int) -> Range<Int> {
        let start = group * outPerGroup * rows
        return start..<start + outPerGroup * rows
    }

    /// The column matrix of a tile, rows × tile: the input itself for a pointwise kernel
    /// (leading dimension Hout · Wout), else im2col into `workspace` (leading dimension
    /// the tile's width). Returns the matrix and its leading dimension.
    func columns(of image: UnsafeBufferPointer<Float>, tile: Range<Int>, workspace: UnsafeMutableBufferPointer<Float>) -> (UnsafeBufferPointer<Float>, Int) {
        guard !isPointwise else { return (image.extracting(tile.lowerBound...), positions) }
        let columns = workspace.extracting(0..<rows * tile.count)
        im2col.unfold(image, positions: tile, into: columns)
        return (UnsafeBufferPointer(columns), tile.count)
    }

    /// Each group's kernels, packed once for all images and tiles: O/G × C/G·kh·kw.
    func packKernels(_ w: UnsafeBufferPointer<Float>) -> [PackedMatrix] {
        (0..<groups).map { group in
            PackedMatrix(.asStored, rows: outPerGroup, depth: rows, a: w.extracting(weightSlice(group: group)), lda: rows)
        }
    }

    /// The forward pass, with `kernels` from `packKernels`.
    func forward(
        _ plan: LoweringPlan, _ x: UnsafeBufferPointer<Float>, _ kernels: [PackedMatrix],
        _ bias: UnsafeBufferPointer<Float>?, _ y: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(kernels.count == groups && kernels.allSatisfy { $0.rows == outPerGroup && $0.depth == rows }, "Lowering: kernels packed for another layer")
        // Each worker's workspace starts on a cache line of its own.
        let workspaceStride = AlignedBuffer.cacheLines(plan.workspaceFloats)
        let workspaces = AlignedBuffer(count: plan.workers * workspaceStride)
        workspaces.withUnsafeMutableBufferPointer { workspaces in
            // Workers read x and bias and write disjoint tiles of y and their own workspaces.
            nonisolated(unsafe) let (x, bias, y, workspaces) = (x, bias, y, workspaces)
            shareWork(items: plan.items, workers: plan.workers) { worker, item in
                let (image, group, tile) = plan.item(item)
                let workspace = workspaces.extracting(worker * workspaceStride..<worker * workspaceStride + plan.workspaceFloats)
                let (columns, ldb) = columns(of: x.extracting(inputSlice(image: image, group: group)), tile: tile, workspace: workspace)
                let output = y.extracting(outputSlice(image: image, group: group))
                sgemm(kernels[group], .asStored, n: tile.count, b: columns, ldb: ldb,
                      c: output.extracting(tile.lowerBound...), ldc: positions, threads: plan.gemmThreads)
                if let bias {
                    for o in 0..<outPerGroup {
                        let value = bias[group * outPerGroup + o]
                        let row = o * positions + tile.lowerBound
                        for t in row..<row + tile.count { output[t] += value }
                    }
                }
            }
        }
    }
}

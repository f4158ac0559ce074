import GEMM

extension Conv2D {
    /// The forward pass: input [N, inChannels, H, W] → output [N, outChannels, Hout, Wout].
    ///
    /// For each image, group and tile of output positions: im2col, then one GEMM
    ///
    ///     out[group's channels, tile] = weight[group] (O/G × C/G·kh·kw) · columns (C/G·kh·kw × tile)
    ///
    /// and the bias added per channel. A 1×1 kernel with stride 1 and no padding skips
    /// im2col: the input plane already is the column matrix.
    /// - Parameter threads: at most this many threads (default: every available core);
    ///   the values do not depend on it.
    /// - Throws: `ShapeError` when the input is not [N, inChannels, H, W] or the kernel
    ///   does not fit in the padded input.
    public func callAsFunction(_ input: Tensor, threads: Int? = nil) throws(ShapeError) -> Tensor {
        let (batch, geometry) = try check(input)
        let lowering = Lowering(self, geometry)
        let plan = lowering.plan(batch: batch, threads: threads ?? availableCores, splitForThreads: true)
        return Tensor(shape: [batch, outChannels, geometry.height.output, geometry.width.output]) { output in
            input.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    (bias?.scalars ?? []).withUnsafeBufferPointer { b in
                        lowering.forward(plan, x.baseAddress!, w.baseAddress!, b.isEmpty ? nil : b.baseAddress!, output.baseAddress!)
                    }
                }
            }
        }
    }
}

/// One convolution layer lowered onto one input geometry: the pointer arithmetic that
/// finds each image, group and tile in the flat tensors, and the GEMM calls.
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

    /// Offsets of an image and group's channels in the input and output tensors, and of
    /// the group's kernels in the weight.
    func inputOffset(image: Int, group: Int) -> Int { (image * groups + group) * inPerGroup * inputPlane }
    func outputOffset(image: Int, group: Int) -> Int { (image * groups + group) * outPerGroup * positions }
    func weightOffset(group: Int) -> Int { group * outPerGroup * rows }

    /// The column matrix of a tile: the input itself for a pointwise kernel, else im2col
    /// into `workspace`. Returns the matrix and its leading dimension.
    func columns(of image: UnsafePointer<Float>, tile: Range<Int>, workspace: UnsafeMutablePointer<Float>?) -> (UnsafePointer<Float>, Int) {
        guard let workspace else { return (image + tile.lowerBound, positions) }
        im2col.unfold(image, positions: tile, into: workspace)
        return (UnsafePointer(workspace), tile.count)
    }

    func forward(_ plan: LoweringPlan, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>) {
        // Workers read x and bias and write disjoint tiles of y and their own workspaces.
        nonisolated(unsafe) let (x, bias, y) = (x, bias, y)
        let workspaces = (0..<plan.workers).map { _ in AlignedBuffer(count: plan.workspaceFloats) }
        defer { workspaces.forEach { $0.deallocate() } }
        // Each group's kernels are packed once for all images and tiles.
        let kernels = (0..<groups).map { group in
            PackedMatrix(.none, rows: outPerGroup, depth: rows, a: UnsafeBufferPointer(start: w + weightOffset(group: group), count: outPerGroup * rows), lda: rows)
        }

        shareWork(items: plan.items, workers: plan.workers) { worker, item in
            let (image, group, tile) = plan.item(item)
            let (columns, ldb) = columns(of: x + inputOffset(image: image, group: group), tile: tile,
                                         workspace: isPointwise ? nil : workspaces[worker].base)
            let output = y + outputOffset(image: image, group: group) + tile.lowerBound
            sgemm(kernels[group], .none, n: tile.count,
                  b: UnsafeBufferPointer(start: columns, count: (rows - 1) * ldb + tile.count), ldb: ldb,
                  c: UnsafeMutableBufferPointer(start: output, count: (outPerGroup - 1) * positions + tile.count), ldc: positions,
                  threads: plan.gemmThreads)
            if let bias {
                for o in 0..<outPerGroup {
                    let value = bias[group * outPerGroup + o]
                    let row = output + o * positions
                    for t in 0..<tile.count { row[t] += value }
                }
            }
        }
    }
}

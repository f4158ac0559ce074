import GEMM

/// One 3×3, stride-1 convolution on one input geometry, computed with F(m×m, 3×3)
/// (`WinogradTiling`): the `winograd` algorithm.
///
/// The output planes are cut into m×m tiles, numbered row by row, and the tiles of an
/// image into chunks whose transforms fit in a worker's workspace. For each image, group
/// and chunk, with E = (m + 2)² elements per transformed tile:
///
///     V_ξ (in × tiles)  = the input transform of each channel's tiles
///     M_ξ (out × tiles) = U_ξ (out × in) · V_ξ            for ξ = 0 … E − 1: E GEMMs
///     output tiles      = the output transform of M, plus the bias, as it is stored
///
/// U, the kernels' transforms, is computed and packed once per pass for every chunk.
/// The same code computes a layer's input gradient: for stride 1 and dilation 1 it is
/// the convolution of the output gradient with the kernels turned by 180° and their
/// channels swapped, padded by 2 − p (`init(inputGradientOf:_:)`).
///
/// Each output is one column of each GEMM, whose value does not depend on the other
/// columns, and one worker computes it: the values do not depend on the thread count.
struct WinogradLowering<Tiling: WinogradTiling> {
    /// Whether the pass computes the layer's output or its input gradient.
    enum Pass { case forward, inputGradient }

    let pass: Pass
    let groups: Int
    /// Channels per group read (the input's, or the output gradient's) and written.
    let inPerGroup: Int
    let outPerGroup: Int
    /// The planes read and written.
    let source: Size2D
    let result: Size2D
    /// Output pixel (y, x) reads source rows y − top … y − top + 2 and columns
    /// x − left … x − left + 2 (zeros outside the plane); negative for an input gradient
    /// whose layer pads by more than 2.
    let top: Int
    let left: Int
    /// Tiles per plane: rows and columns of m×m output blocks.
    let tileRows: Int
    let tileColumns: Int

    /// Transform workspace per worker and chunk, chunks as long as fit in it (measured best
    /// among 1, 2 and 4 MiB, docs/performance.md), and at least this many tiles each.
    static var targetWorkspaceBytes: Int { 4 << 20 }
    static var minimumChunkTiles: Int { 32 }

    /// The forward pass. - Precondition: `WinogradTile.computes(conv)`.
    init(_ conv: Conv2D, _ geometry: ConvGeometry) {
        self.init(pass: .forward, groups: conv.groups, inPerGroup: conv.inChannels / conv.groups, outPerGroup: conv.outChannels / conv.groups,
                  source: geometry.input, result: geometry.output, top: geometry.height.padBefore, left: geometry.width.padBefore)
    }

    /// The input gradient: the output gradient in, the input's gradient out.
    /// - Precondition: `WinogradTile.computes(conv)`.
    init(inputGradientOf conv: Conv2D, _ geometry: ConvGeometry) {
        self.init(pass: .inputGradient, groups: conv.groups, inPerGroup: conv.outChannels / conv.groups, outPerGroup: conv.inChannels / conv.groups,
                  source: geometry.output, result: geometry.input, top: 2 - geometry.height.padBefore, left: 2 - geometry.width.padBefore)
    }

    private init(pass: Pass, groups: Int, inPerGroup: Int, outPerGroup: Int, source: Size2D, result: Size2D, top: Int, left: Int) {
        self.pass = pass
        self.groups = groups
        self.inPerGroup = inPerGroup
        self.outPerGroup = outPerGroup
        self.source = source
        self.result = result
        self.top = top
        self.left = left
        let m = Tiling.tileOutputs
        tileRows = (result.height + m - 1) / m
        tileColumns = (result.width + m - 1) / m
    }

    var tilesPerImage: Int { tileRows * tileColumns }

    /// Floats of one chunk's workspace per tile: its elements in every channel read and written.
    var floatsPerTile: Int { Tiling.elements * (inPerGroup + outPerGroup) }

    /// Tiles per chunk: as many as fit in `targetWorkspaceBytes`, at least
    /// `minimumChunkTiles`, cut thinner when a batch has fewer chunks than threads.
    func chunkTiles(batch: Int, threads: Int) -> Int {
        let fitting = max(Self.minimumChunkTiles, Self.targetWorkspaceBytes / MemoryLayout<Float>.stride / floatsPerTile)
        var chunks = (tilesPerImage + fitting - 1) / fitting
        if batch * groups * chunks < threads {
            chunks = max(chunks, min((threads + batch * groups - 1) / (batch * groups), tilesPerImage / Self.minimumChunkTiles))
        }
        return (tilesPerImage + chunks - 1) / chunks
    }

    /// One worker's workspace for chunks of `tiles`, in floats, each part starting on a
    /// cache line: V (in × E × tiles), M (out × E × tiles, and a whole vector of slack: the
    /// output transform always reads eight tiles), the gathered rows and the tiling's scratch.
    func workspace(_ tiles: Int) -> (v: Int, m: Int, rows: Int, stride: Int) {
        let (v, m, rows) = (Tiling.elements * inPerGroup * tiles, Tiling.elements * outPerGroup * tiles + 8, rowFloats(tiles))
        return (v, m, rows, AlignedBuffer.cacheLines(v) + AlignedBuffer.cacheLines(m) + AlignedBuffer.cacheLines(rows))
    }

    /// The scratch one worker needs on one thread, in bytes.
    var workspaceBytes: Int { workspace(chunkTiles(batch: 1, threads: 1)).stride * MemoryLayout<Float>.stride }

    /// The kernels' transforms, packed for the GEMM: per group and element ξ, U_ξ
    /// (out × in) for the forward pass, the turned kernels' transposed for the input gradient.
    func packKernels(_ w: UnsafeBufferPointer<Float>, threads: Int) -> [PackedMatrix] {
        // The layer's kernels w[g·O + o][c] (O, C the layer's channels per group).
        let (layerOut, layerIn) = pass == .forward ? (outPerGroup, inPerGroup) : (inPerGroup, outPerGroup)
        let elements = Tiling.elements
        let matrixFloats = layerOut * layerIn
        // U[g][ξ][o][c]: one output channel's kernels at a time, their elements side by side
        // in `row`, then spread over the element matrices, a run of C floats in each.
        // (Written straight to the matrices, the stores would lie a matrix apart, often a
        // multiple of 4 KiB, and fight over one cache set.)
        var u = [Float](repeating: 0, count: groups * elements * matrixFloats)
        u.withUnsafeMutableBufferPointer { u in
            // Workers read w and write disjoint rows of u.
            nonisolated(unsafe) let (w, u) = (w, u)
            shareWork(items: groups * layerOut, workers: threads) { _, item in
                let (group, o) = item.quotientAndRemainder(dividingBy: layerOut)
                withUnsafeTemporaryAllocation(of: Float.self, capacity: layerIn * elements + 9) { scratch in
                    let (row, turned) = (scratch.baseAddress!, scratch.baseAddress! + layerIn * elements)
                    for c in 0..<layerIn {
                        let weights = w.baseAddress! + ((group * layerOut + o) * layerIn + c) * 9
                        if pass == .forward {
                            Tiling.kernel(weights, into: row + c * elements)
                        } else {
                            for tap in 0..<9 { turned[tap] = weights[8 - tap] }
                            Tiling.kernel(turned, into: row + c * elements)
                        }
                    }
                    for element in 0..<elements {
                        let target = u.baseAddress! + (group * elements + element) * matrixFloats + o * layerIn
                        for c in 0..<layerIn { target[c] = row[c * elements + element] }
                    }
                }
            }
        }
        var packed = [PackedMatrix?](repeating: nil, count: groups * elements)
        u.withUnsafeBufferPointer { u in
            packed.withUnsafeMutableBufferPointer { packed in
                // Workers read u and each pack their own matrices.
                nonisolated(unsafe) let (u, packed) = (u, packed)
                shareWork(items: groups * elements, workers: threads) { _, index in
                    let matrix = u.extracting(index * matrixFloats..<(index + 1) * matrixFloats)
                    packed[index] = switch pass {
                    case .forward: PackedMatrix(.asStored, rows: layerOut, depth: layerIn, a: matrix, lda: layerIn)
                    case .inputGradient: PackedMatrix(.transposed, rows: layerIn, depth: layerOut, a: matrix, lda: layerIn)
                    }
                }
            }
        }
        return packed.map { $0! }
    }

    /// Floats of the gathered rows for a chunk of `tiles`: m + 2 zero-padded input rows,
    /// then the tiling's scratch.
    func rowFloats(_ tiles: Int) -> Int { (Tiling.tileOutputs + 2) * rowLength(tiles) + 8 * Tiling.scratchVectors }
    /// A gathered row: room for whole blocks of eight tiles, the last block reading up to
    /// 9m floats from its start (`WinogradTiling.input`), m·8 beyond the block.
    private func rowLength(_ tiles: Int) -> Int { Tiling.tileOutputs * ((min(tiles, tileColumns) + 7) / 8 * 8 + 1) }

    /// The pass over a batch: `x` [N, groups · inPerGroup, source], `y` [N, groups · outPerGroup, result], every value of `y` written.
    ///
    /// A chunk's transforms are laid out channel by channel, V[c][ξ][t] and M[o][ξ][t], so
    /// that the elements a tile reads or writes lie a chunk's length apart rather than a
    /// whole matrix apart (a power-of-two distance would put them all in one cache set);
    /// each GEMM reads V_ξ and writes M_ξ with a leading dimension of E chunk lengths.
    /// `kernels` are `packKernels`'.
    func run(batch: Int, _ x: UnsafeBufferPointer<Float>, _ kernels: [PackedMatrix], _ bias: UnsafeBufferPointer<Float>?,
             _ y: UnsafeMutableBufferPointer<Float>, threads: Int) {
        precondition(kernels.count == groups * Tiling.elements && kernels.allSatisfy { $0.rows == outPerGroup && $0.depth == inPerGroup },
                     "WinogradLowering: kernels packed for another layer or pass")
        let tiles = chunkTiles(batch: batch, threads: threads)
        let chunksPerImage = (tilesPerImage + tiles - 1) / tiles
        let items = batch * groups * chunksPerImage
        let workers = max(1, min(threads, items))
        let gemmThreads = workers > 1 ? 1 : threads
        let elements = Tiling.elements
        let (vFloats, mFloats, rowsFloats, workspaceStride) = workspace(tiles)
        let (vStride, mStride) = (AlignedBuffer.cacheLines(vFloats), AlignedBuffer.cacheLines(mFloats))
        let workspaces = AlignedBuffer(count: workers * workspaceStride)
        workspaces.withUnsafeMutableBufferPointer { workspaces in
            // Workers read x, the packed kernels and the bias, and write disjoint tiles of y
            // and their own workspaces.
            nonisolated(unsafe) let (x, bias, y, workspaces) = (x, bias, y, workspaces)
            shareWork(items: items, workers: workers) { worker, item in
                let (imageGroup, chunk) = item.quotientAndRemainder(dividingBy: chunksPerImage)
                let (image, group) = imageGroup.quotientAndRemainder(dividingBy: groups)
                let chunkRange = chunk * tiles..<min(tilesPerImage, (chunk + 1) * tiles)
                let base = worker * workspaceStride
                let v = workspaces.extracting(base..<base + vFloats)
                let m = workspaces.extracting(base + vStride..<base + vStride + mFloats)
                let rows = workspaces.extracting(base + vStride + mStride..<base + vStride + mStride + rowsFloats)
                let count = chunkRange.count

                let sourcePlane = source.height * source.width
                let sourceStart = (image * groups + group) * inPerGroup * sourcePlane
                let segments = RowRuns(chunkRange, width: tileColumns)
                transformInput(x.extracting(sourceStart..<sourceStart + inPerGroup * sourcePlane), segments, count: count, rows: rows, into: v)
                for element in 0..<elements {
                    sgemm(kernels[group * elements + element], .asStored, n: count,
                          b: UnsafeBufferPointer(v.extracting((element * count)...)), ldb: elements * count,
                          c: m.extracting((element * count)...), ldc: elements * count, threads: gemmThreads)
                }
                let resultPlane = result.height * result.width
                let resultStart = (image * groups + group) * outPerGroup * resultPlane
                transformOutput(UnsafeBufferPointer(m), segments, count: count, bias: bias.map { $0.extracting(group * outPerGroup..<(group + 1) * outPerGroup) },
                                into: y.extracting(resultStart..<resultStart + outPerGroup * resultPlane))
            }
        }
    }

    /// V[c][ξ][t] for the chunk's `count` tiles t and the group's channels c, from the
    /// group's planes `x` (inPerGroup × source).
    private func transformInput(_ x: UnsafeBufferPointer<Float>, _ segments: RowRuns, count: Int, rows: UnsafeMutableBufferPointer<Float>,
                                into v: UnsafeMutableBufferPointer<Float>) {
        let (m, elements) = (Tiling.tileOutputs, Tiling.elements)
        let length = rowLength(count)
        let plane = source.height * source.width
        let rowBase = rows.baseAddress!
        let scratch = UnsafeMutableRawPointer(rowBase + (m + 2) * length)
        for segment in segments {
            let tiles = segment.columns.count
            // The segment reads columns first ..< first + m·tiles + 2 of m + 2 input rows;
            // those at `inside` lie in the plane.
            let first = m * segment.columns.lowerBound - left
            let width = m * tiles + 2
            let start = max(0, -first)
            let inside = start..<max(start, min(width, source.width - first))
            for c in 0..<inPerGroup {
                for r in 0..<m + 2 {
                    let row = rowBase + r * length
                    let inputRow = m * segment.row - top + r
                    guard inputRow >= 0 && inputRow < source.height, !inside.isEmpty else {
                        row.update(repeating: 0, count: width)
                        continue
                    }
                    row.update(repeating: 0, count: inside.lowerBound)
                    (row + inside.lowerBound).update(from: x.baseAddress! + c * plane + inputRow * source.width + first + inside.lowerBound, count: inside.count)
                    (row + inside.upperBound).update(repeating: 0, count: width - inside.upperBound)
                }
                let target = v.baseAddress! + c * elements * count + segment.offset
                for k in stride(from: 0, to: tiles, by: 8) {
                    let lanes = min(8, tiles - k)
                    Tiling.input({ r in UnsafePointer(rowBase + r * length + m * k) }, scratch: scratch) { element, value in
                        let out = target + element * count + k
                        if lanes == 8 {
                            UnsafeMutableRawPointer(out).storeBytes(of: value, as: SIMD8<Float>.self)
                        } else {
                            for lane in 0..<lanes { out[lane] = value[lane] }
                        }
                    }
                }
            }
        }
    }

    /// The chunk's m×m output blocks from M[o][ξ][t], plus the bias, into the group's
    /// planes `y` (outPerGroup × result).
    private func transformOutput(_ m: UnsafeBufferPointer<Float>, _ segments: RowRuns, count: Int, bias: UnsafeBufferPointer<Float>?,
                                 into y: UnsafeMutableBufferPointer<Float>) {
        let (side, elements) = (Tiling.tileOutputs, Tiling.elements)
        let plane = result.height * result.width
        for segment in segments {
            let tiles = segment.columns.count
            let outRow = side * segment.row
            let rows = min(side, result.height - outRow)
            for o in 0..<outPerGroup {
                let source = m.baseAddress! + o * elements * count + segment.offset
                let start = SIMD8<Float>(repeating: bias?[o] ?? 0)
                let output = y.baseAddress! + o * plane + outRow * result.width
                for k in stride(from: 0, to: tiles, by: 8) {
                    let column = side * (segment.columns.lowerBound + k)
                    let columns = min(8 * side, side * (tiles - k), result.width - column)
                    Tiling.output({ element in UnsafeRawPointer(source + element * count + k).loadUnaligned(as: SIMD8<Float>.self) },
                                  bias: start) { r, values in
                        guard r < rows else { return }
                        (output + r * result.width + column).update(from: values, count: columns)
                    }
                }
            }
        }
    }
}

/// The Winograd tilings `Conv2D` uses, which layers they compute, and which one a layer gets.
enum WinogradTile: CustomStringConvertible {
    case f2x2
    case f4x4

    var description: String { self == .f2x2 ? "F(2×2, 3×3)" : "F(4×4, 3×3)" }

    /// Whether F(m×m, 3×3) computes this layer: a 3×3 kernel, stride 1, dilation 1.
    static func computes(_ conv: Conv2D) -> Bool {
        conv.kernelSize == Size2D(3) && conv.stride == Size2D(1) && conv.dilation == Size2D(1)
    }

    /// The tiling whose output plane has at least `ConvAlgorithm.winogradTilesPerChannel`
    /// tiles per channel of a group (input or output, whichever are more): F(4×4) where
    /// it does, else F(2×2) where it does, else none. The kernels' transforms, E = 36 or
    /// 16 elements each, are computed and read once per pass and must serve enough tiles;
    /// F(4×4) computes four times the outputs per tile, with 2¼ times the elements.
    /// - Returns: the tiling and its tiles per plane, or nil.
    static func fitting(_ conv: Conv2D, _ geometry: ConvGeometry) -> (tile: WinogradTile, tiles: Int)? {
        let channels = max(conv.inChannels, conv.outChannels) / conv.groups
        let large = WinogradLowering<WinogradF4x4>(conv, geometry).tilesPerImage
        if large >= ConvAlgorithm.winogradTilesPerChannel * channels { return (.f4x4, large) }
        let small = WinogradLowering<WinogradF2x2>(conv, geometry).tilesPerImage
        return small >= ConvAlgorithm.winogradTilesPerChannel * channels ? (.f2x2, small) : nil
    }

    /// The tiling a layer computes with: the fitting one, F(2×2) when none fits.
    static func chosen(_ conv: Conv2D, _ geometry: ConvGeometry) -> WinogradTile {
        fitting(conv, geometry)?.tile ?? .f2x2
    }

    /// The forward pass, or with `inputGradient` the input gradient from `x` = ∂L/∂out,
    /// with the layer's tiling.
    static func run(_ conv: Conv2D, _ geometry: ConvGeometry, inputGradient: Bool, batch: Int, _ x: UnsafeBufferPointer<Float>,
                    _ w: UnsafeBufferPointer<Float>, _ bias: UnsafeBufferPointer<Float>?, _ y: UnsafeMutableBufferPointer<Float>, threads: Int) {
        chosen(conv, geometry).run(conv, geometry, inputGradient: inputGradient, batch: batch, x, w, bias, y, threads: threads)
    }

    /// The same pass with this tiling.
    func run(_ conv: Conv2D, _ geometry: ConvGeometry, inputGradient: Bool, batch: Int, _ x: UnsafeBufferPointer<Float>,
             _ w: UnsafeBufferPointer<Float>, _ bias: UnsafeBufferPointer<Float>?, _ y: UnsafeMutableBufferPointer<Float>, threads: Int) {
        func run<Tiling: WinogradTiling>(_ tiling: Tiling.Type) {
            let lowering = inputGradient ? WinogradLowering<Tiling>(inputGradientOf: conv, geometry) : WinogradLowering<Tiling>(conv, geometry)
            // The forward transforms are kept with the layer; the input gradient's are made per pass.
            let kernels = inputGradient ? lowering.packKernels(w, threads: threads)
                : conv.packedWeights.matrices(.winograd(self)) { lowering.packKernels(w, threads: threads) }
            lowering.run(batch: batch, x, kernels, bias, y, threads: threads)
        }
        switch self {
        case .f2x2: run(WinogradF2x2.self)
        case .f4x4: run(WinogradF4x4.self)
        }
    }
}

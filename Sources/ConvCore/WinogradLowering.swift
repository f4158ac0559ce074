import GEMM

/// One 3×3, stride-1 convolution on one input geometry, computed with F(2×2, 3×3)
/// (`WinogradTransform`): the `winograd` algorithm.
///
/// The output planes are cut into 2×2 tiles, numbered row by row, and the tiles of an
/// image into chunks whose transforms fit in a worker's workspace. For each image, group
/// and chunk:
///
///     V_ξ (in × tiles)  = the input transform of each channel's 4×4 tiles
///     M_ξ (out × tiles) = U_ξ (out × in) · V_ξ            for ξ = 0 … 15: 16 GEMMs
///     output tiles      = the output transform of M, plus the bias, as it is stored
///
/// U, the kernels' transforms, is computed and packed once per pass for every chunk.
/// The same code computes a layer's input gradient: for stride 1 and dilation 1 it is
/// the convolution of the output gradient with the kernels turned by 180° and their
/// channels swapped, padded by 2 − p, whose transforms are U's elements moved and
/// transposed (`init(inputGradientOf:_:)`).
///
/// Each output is one column of each GEMM, whose value does not depend on the other
/// columns, and one worker computes it: the values do not depend on the thread count.
struct WinogradLowering {
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
    /// Tiles per plane: rows and columns of 2×2 output blocks.
    let tileRows: Int
    let tileColumns: Int

    /// Whether F(2×2, 3×3) computes this layer: a 3×3 kernel, stride 1, dilation 1.
    static func computes(_ conv: Conv2D) -> Bool {
        conv.kernelSize == Size2D(3) && conv.stride == Size2D(1) && conv.dilation == Size2D(1)
    }

    /// Transform workspace per worker and chunk, chunks as long as fit in it (measured best
    /// among 256 KiB to 4 MiB, docs/performance.md), and at least this many tiles each.
    static let targetWorkspaceBytes = 1 << 20
    static let minimumChunkTiles = 32

    /// The forward pass. - Precondition: `computes(conv)`.
    init(_ conv: Conv2D, _ geometry: ConvGeometry) {
        self.init(pass: .forward, groups: conv.groups, inPerGroup: conv.inChannels / conv.groups, outPerGroup: conv.outChannels / conv.groups,
                  source: geometry.input, result: geometry.output, top: geometry.height.padBefore, left: geometry.width.padBefore)
    }

    /// The input gradient: the output gradient in, the input's gradient out.
    /// - Precondition: `computes(conv)`.
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
        tileRows = (result.height + 1) / 2
        tileColumns = (result.width + 1) / 2
    }

    var tilesPerImage: Int { tileRows * tileColumns }

    /// Floats of one chunk's workspace per tile: its 16 elements in every channel read and written.
    var floatsPerTile: Int { WinogradTransform.elements * (inPerGroup + outPerGroup) }

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

    /// The scratch one worker needs, in bytes, or `Int.max` when it cannot be counted.
    static func workspaceBytes(_ conv: Conv2D, _ geometry: ConvGeometry) -> Int {
        let lowering = WinogradLowering(conv, geometry)
        let tiles = lowering.chunkTiles(batch: 1, threads: 1)
        let floats = checkedSum(checkedProduct(tiles, lowering.floatsPerTile), lowering.rowFloats(tiles))
        return checkedProduct(floats, MemoryLayout<Float>.stride) ?? .max
    }

    /// The kernels' transforms, packed for the GEMM: per group and element ξ, U_ξ
    /// (out × in) for the forward pass, the turned kernels' for the input gradient.
    func packKernels(_ w: UnsafeBufferPointer<Float>) -> [PackedMatrix] {
        // U[g][ξ][o][c] of the layer's kernels w[g·O + o][c] (O, C the layer's channels per group).
        let (layerOut, layerIn) = pass == .forward ? (outPerGroup, inPerGroup) : (inPerGroup, outPerGroup)
        let elements = WinogradTransform.elements
        let matrixFloats = layerOut * layerIn
        // Each kernel's 16 elements side by side, then each element's matrix gathered:
        // written straight to 16 matrices, the stores would lie a matrix apart, often a
        // multiple of 4 KiB, and fight over one cache set.
        var transforms = [Float](repeating: 0, count: groups * matrixFloats * elements)
        transforms.withUnsafeMutableBufferPointer { transforms in
            for kernel in 0..<groups * matrixFloats {
                WinogradTransform.kernel(w.baseAddress! + kernel * 9, into: transforms.baseAddress! + kernel * elements, stride: 1)
            }
        }
        var u = [Float](repeating: 0, count: groups * elements * matrixFloats)
        for group in 0..<groups {
            for element in 0..<elements {
                let target = (group * elements + element) * matrixFloats, source = group * matrixFloats * elements + element
                for index in 0..<matrixFloats { u[target + index] = transforms[source + index * elements] }
            }
        }
        return u.withUnsafeBufferPointer { u in
            (0..<groups * elements).map { index in
                let (group, element) = index.quotientAndRemainder(dividingBy: elements)
                let matrix = { (element: Int) in u.extracting((group * elements + element) * layerOut * layerIn..<(group * elements + element + 1) * layerOut * layerIn) }
                return switch pass {
                case .forward: PackedMatrix(.asStored, rows: layerOut, depth: layerIn, a: matrix(element), lda: layerIn)
                case .inputGradient: PackedMatrix(.transposed, rows: layerIn, depth: layerOut, a: matrix(WinogradTransform.turned(element)), lda: layerIn)
                }
            }
        }
    }

    /// Floats of the gathered rows for a chunk of `tiles`: four zero-padded input rows,
    /// each with room for a last whole vector pair.
    func rowFloats(_ tiles: Int) -> Int { 4 * rowLength(tiles) }
    private func rowLength(_ tiles: Int) -> Int { 2 * ((min(tiles, tileColumns) + 7) / 8 * 8) + 32 }

    /// The pass over a batch: `x` [N, groups · inPerGroup, source], `y` [N, groups · outPerGroup, result], every value of `y` written.
    ///
    /// A chunk's transforms are laid out channel by channel, V[c][ξ][t] and M[o][ξ][t], so
    /// that the 16 elements a tile reads or writes lie a chunk's length apart rather than a
    /// whole matrix apart (a power-of-two distance would put all 16 in one cache set);
    /// each GEMM reads V_ξ and writes M_ξ with a leading dimension of 16 chunk lengths.
    func run(batch: Int, _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, _ bias: UnsafeBufferPointer<Float>?,
             _ y: UnsafeMutableBufferPointer<Float>, threads: Int) {
        let kernels = packKernels(w)
        let tiles = chunkTiles(batch: batch, threads: threads)
        let chunksPerImage = (tilesPerImage + tiles - 1) / tiles
        let items = batch * groups * chunksPerImage
        let workers = max(1, min(threads, items))
        let gemmThreads = workers > 1 ? 1 : threads
        let elements = WinogradTransform.elements
        let (vFloats, mFloats) = (elements * inPerGroup * tiles, elements * outPerGroup * tiles)
        let rowsFloats = rowFloats(tiles)
        let (vStride, mStride) = (AlignedBuffer.cacheLines(vFloats), AlignedBuffer.cacheLines(mFloats))
        let workspaceStride = vStride + mStride + AlignedBuffer.cacheLines(rowsFloats)
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
                transformInput(x.extracting(sourceStart..<sourceStart + inPerGroup * sourcePlane), tiles: chunkRange, rows: rows, into: v)
                for element in 0..<elements {
                    sgemm(kernels[group * elements + element], .asStored, n: count,
                          b: UnsafeBufferPointer(v.extracting((element * count)...)), ldb: elements * count,
                          c: m.extracting((element * count)...), ldc: elements * count, threads: gemmThreads)
                }
                let resultPlane = result.height * result.width
                let resultStart = (image * groups + group) * outPerGroup * resultPlane
                transformOutput(UnsafeBufferPointer(m), tiles: chunkRange, bias: bias.map { $0.extracting(group * outPerGroup..<(group + 1) * outPerGroup) },
                                into: y.extracting(resultStart..<resultStart + outPerGroup * resultPlane))
            }
        }
    }

    /// The tiles of a chunk that lie in one tile row: (tile row, first tile column, count,
    /// the first one's index within the chunk).
    private func segments(_ tiles: Range<Int>) -> [(row: Int, column: Int, count: Int, offset: Int)] {
        var segments: [(row: Int, column: Int, count: Int, offset: Int)] = []
        var tile = tiles.lowerBound
        while tile < tiles.upperBound {
            let (row, column) = tile.quotientAndRemainder(dividingBy: tileColumns)
            let count = min(tileColumns - column, tiles.upperBound - tile)
            segments.append((row, column, count, tile - tiles.lowerBound))
            tile += count
        }
        return segments
    }

    /// V[c][ξ][t] for the chunk's tiles t and the group's channels c, from the group's
    /// planes `x` (inPerGroup × source).
    private func transformInput(_ x: UnsafeBufferPointer<Float>, tiles: Range<Int>, rows: UnsafeMutableBufferPointer<Float>,
                                into v: UnsafeMutableBufferPointer<Float>) {
        let count = tiles.count
        let length = rowLength(count)
        let plane = source.height * source.width
        let rowBase = rows.baseAddress!
        for segment in segments(tiles) {
            // The segment reads columns first ..< first + 2·count + 2 of four input rows.
            let first = 2 * segment.column - left
            let width = 2 * segment.count + 2
            let inside = max(0, -first)..<max(max(0, -first), min(width, source.width - first))
            for c in 0..<inPerGroup {
                for r in 0..<4 {
                    let row = rowBase + r * length
                    let inputRow = 2 * segment.row - top + r
                    guard inputRow >= 0 && inputRow < source.height, !inside.isEmpty else {
                        row.update(repeating: 0, count: width)
                        continue
                    }
                    row.update(repeating: 0, count: inside.lowerBound)
                    (row + inside.lowerBound).update(from: x.baseAddress! + c * plane + inputRow * source.width + first + inside.lowerBound, count: inside.count)
                    (row + inside.upperBound).update(repeating: 0, count: width - inside.upperBound)
                }
                let target = v.baseAddress! + c * WinogradTransform.elements * count + segment.offset
                for k in stride(from: 0, to: segment.count, by: 8) {
                    // Columns 2k … 2k + 15 and 2k + 2 … 2k + 17 of each row, split into even
                    // and odd: tile k's columns 0, 1 and 2, 3.
                    @inline(__always) func pair(_ r: Int, _ shift: Int) -> SIMD16<Float> {
                        UnsafeRawPointer(rowBase + r * length + 2 * k + shift).loadUnaligned(as: SIMD16<Float>.self)
                    }
                    let (near0, near1, near2, near3) = (pair(0, 0), pair(1, 0), pair(2, 0), pair(3, 0))
                    let (far0, far1, far2, far3) = (pair(0, 2), pair(1, 2), pair(2, 2), pair(3, 2))
                    let lanes = min(8, segment.count - k)
                    WinogradTransform.input({ r, s in
                        let vector = s < 2 ? (r == 0 ? near0 : r == 1 ? near1 : r == 2 ? near2 : near3)
                            : (r == 0 ? far0 : r == 1 ? far1 : r == 2 ? far2 : far3)
                        return s % 2 == 0 ? vector.evenHalf : vector.oddHalf
                    }) { element, value in
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

    /// The chunk's 2×2 output blocks from M[o][ξ][t], plus the bias, into the group's
    /// planes `y` (outPerGroup × result).
    private func transformOutput(_ m: UnsafeBufferPointer<Float>, tiles: Range<Int>, bias: UnsafeBufferPointer<Float>?,
                                 into y: UnsafeMutableBufferPointer<Float>) {
        let count = tiles.count
        let plane = result.height * result.width
        for segment in segments(tiles) {
            let outRow = 2 * segment.row
            let hasSecondRow = outRow + 1 < result.height
            for o in 0..<outPerGroup {
                let source = m.baseAddress! + o * WinogradTransform.elements * count + segment.offset
                let start = SIMD8<Float>(repeating: bias?[o] ?? 0)
                let upper = y.baseAddress! + o * plane + outRow * result.width
                let lower = upper + result.width
                for k in stride(from: 0, to: segment.count, by: 8) {
                    let lanes = min(8, segment.count - k)
                    let (y00, y01, y10, y11) = WinogradTransform.output({ element in
                        let p = source + element * count + k
                        if lanes == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
                        var vector = SIMD8<Float>()
                        for lane in 0..<lanes { vector[lane] = p[lane] }
                        return vector
                    }, bias: start)
                    let column = 2 * (segment.column + k)
                    if lanes == 8 && column + 16 <= result.width {
                        // Sixteen whole columns: each row's two outputs per tile interleaved.
                        var pair = SIMD16<Float>()
                        pair.evenHalf = y00
                        pair.oddHalf = y01
                        UnsafeMutableRawPointer(upper + column).storeBytes(of: pair, as: SIMD16<Float>.self)
                        if hasSecondRow {
                            pair.evenHalf = y10
                            pair.oddHalf = y11
                            UnsafeMutableRawPointer(lower + column).storeBytes(of: pair, as: SIMD16<Float>.self)
                        }
                        continue
                    }
                    for lane in 0..<lanes {
                        let x = column + 2 * lane
                        let hasSecondColumn = x + 1 < result.width
                        upper[x] = y00[lane]
                        if hasSecondColumn { upper[x + 1] = y01[lane] }
                        if hasSecondRow {
                            lower[x] = y10[lane]
                            if hasSecondColumn { lower[x + 1] = y11[lane] }
                        }
                    }
                }
            }
        }
    }
}

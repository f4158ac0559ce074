/// im2col and col2im for one image and one group of channels: the lowering that turns a
/// convolution into one matrix product, and its exact mirror.
///
/// The column matrix has a row per kernel tap (c, i, j), `c` over the group's channels,
/// and a column per output position (y, x). Entry [(c, i, j), (y, x)] is the input pixel
/// that tap meets when the window sits at (y, x):
///
///     in[c, y·s_h − p_top + i·d_h, x·s_w − p_left + j·d_w]     (0 outside the image)
///
/// so `weight (O × C·kh·kw) · columns (C·kh·kw × positions)` is the convolution, and every
/// output position is a column multiplied by the same weight rows: weight sharing is the
/// reuse of those rows. `unfold` (im2col) copies pixels into the matrix; `fold` (col2im)
/// adds each entry back onto the pixel it came from, which is what the gradient needs.
/// Both work on a range of output positions (a tile), so the matrix never has to hold
/// the whole image. See docs/convolution.md for a worked picture.
struct Im2Col {
    let geometry: ConvGeometry
    /// Channels of one group.
    let channels: Int

    /// Rows of the column matrix: one per kernel tap, C · kh · kw.
    var rows: Int { channels * geometry.height.kernel * geometry.width.kernel }

    /// Writes the columns of output positions `positions` (flat y · Wout + x) of the image
    /// (channels × H × W) into `columns`, a rows × positions.count row-major matrix.
    /// - Precondition: `image` holds exactly the group's channels; `columns` exactly the matrix.
    func unfold(_ image: UnsafeBufferPointer<Float>, positions: Range<Int>, into columns: UnsafeMutableBufferPointer<Float>) {
        check(image.count, columns.count, positions)
        guard let image = image.baseAddress, let columns = columns.baseAddress else { return }
        let stride = geometry.width.stride
        forEachRun(positions: positions) { row, run in
            let target = columns + row * positions.count + run.column
            if run.before > 0 { target.update(repeating: 0, count: run.before) }
            let source = image + run.input
            if stride == 1 {
                copy(run.inside, from: source, to: target + run.before)
            } else {
                for t in 0..<run.inside { target[run.before + t] = source[t * stride] }
            }
            if run.after > 0 { (target + run.before + run.inside).update(repeating: 0, count: run.after) }
        }
    }

    /// The mirror of `unfold`: adds every entry of `columns` onto the image pixel that
    /// `unfold` would have copied it from (entries that came from padding are dropped).
    /// - Precondition: `columns` holds exactly the matrix; `image` exactly the group's channels.
    func fold(_ columns: UnsafeBufferPointer<Float>, positions: Range<Int>, into image: UnsafeMutableBufferPointer<Float>) {
        check(image.count, columns.count, positions)
        guard let image = image.baseAddress, let columns = columns.baseAddress else { return }
        let stride = geometry.width.stride
        forEachRun(positions: positions) { row, run in
            let source = columns + row * positions.count + run.column + run.before
            let target = image + run.input
            if stride == 1 {
                add(run.inside, from: source, to: target)
            } else {
                for t in 0..<run.inside { target[t * stride] += source[t] }
            }
        }
    }

    /// Copies `count` floats eight at a time: a run is one output row, often 5 to 30
    /// floats, too short for a call to `memmove` to pay for itself. A run of eight or more
    /// ends with the last eight floats, overlapping what was copied already (the image and
    /// the matrix never overlap), rather than with a scalar tail.
    @inline(__always)
    private func copy(_ count: Int, from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>) {
        @inline(__always) func eight(_ t: Int) {
            UnsafeMutableRawPointer(target + t).storeBytes(of: UnsafeRawPointer(source + t).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
        }
        guard count >= 8 else {
            for t in 0..<count { target[t] = source[t] }
            return
        }
        var t = 0
        while t + 8 <= count {
            eight(t)
            t += 8
        }
        if t < count { eight(count - 8) }
    }

    /// Adds `count` floats onto `target`, eight at a time.
    @inline(__always)
    private func add(_ count: Int, from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>) {
        var t = 0
        while t + 8 <= count {
            let sum = UnsafeRawPointer(target + t).loadUnaligned(as: SIMD8<Float>.self) + UnsafeRawPointer(source + t).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + t).storeBytes(of: sum, as: SIMD8<Float>.self)
            t += 8
        }
        while t < count {
            target[t] += source[t]
            t += 1
        }
    }

    /// The two buffers are the sizes the index arithmetic of `forEachRun` assumes, which
    /// never reaches outside them.
    private func check(_ imageCount: Int, _ columnsCount: Int, _ positions: Range<Int>) {
        precondition(imageCount == channels * geometry.height.input * geometry.width.input,
                     "Im2Col: an image of \(imageCount) values for \(channels) channels of \(geometry.input)")
        precondition(columnsCount == rows * positions.count && positions.lowerBound >= 0 && positions.upperBound <= geometry.positions,
                     "Im2Col: \(columnsCount) values for \(rows) rows of positions \(positions)")
    }

    /// A stretch of one row of the column matrix within one output row: `before`
    /// positions read padding, then `inside` read the image starting at offset `input`
    /// (stepping by the stride), then `after` read padding again.
    struct Run {
        var column: Int
        var before: Int
        var inside: Int
        var after: Int
        var input: Int
    }

    /// Visits, for every kernel tap (its row of the column matrix) and every output row
    /// that `positions` touches, the run of positions in that row: the index arithmetic
    /// that `unfold` and `fold` share. What depends only on the tap's column (which
    /// outputs read inside the image) is found once per call, what depends on the input
    /// row once per row; the arithmetic wraps rather than checks, since the geometry has
    /// already bounded every index by the image's size.
    @inline(__always)
    private func forEachRun(positions: Range<Int>, _ body: (_ row: Int, _ run: Run) -> Void) {
        let (h, w) = (geometry.height, geometry.width)
        // Per tap column j: the input column read at x = 0, and the outputs that read inside.
        withUnsafeTemporaryAllocation(of: (first: Int, inside: Range<Int>).self, capacity: w.kernel) { columns in
            for j in 0..<w.kernel {
                let first = w.dilation &* j &- w.padBefore
                columns.initializeElement(at: j, to: (first, outputsInside(first: first, stride: w.stride, input: w.input, outputs: w.output)))
            }
            for c in 0..<channels {
                for i in 0..<h.kernel {
                    let firstRow = (c &* h.kernel &+ i) &* w.kernel
                    for segment in RowRuns(positions, width: w.output) {
                        let (x0, x1) = (segment.columns.lowerBound, segment.columns.upperBound)
                        let inputRow = segment.row &* h.stride &- h.padBefore &+ i &* h.dilation
                        guard inputRow >= 0 && inputRow < h.input else {
                            for j in 0..<w.kernel {
                                body(firstRow &+ j, Run(column: segment.offset, before: x1 &- x0, inside: 0, after: 0, input: 0))
                            }
                            continue
                        }
                        let rowStart = (c &* h.input &+ inputRow) &* w.input
                        for j in 0..<w.kernel {
                            let (first, inside) = columns[j]
                            let start = min(max(x0, inside.lowerBound), x1), end = max(min(x1, inside.upperBound), start)
                            body(firstRow &+ j, Run(column: segment.offset, before: start &- x0, inside: end &- start, after: x1 &- end,
                                                    input: end > start ? rowStart &+ start &* w.stride &+ first : 0))
                        }
                    }
                }
            }
        }
    }

    /// The output columns x in 0..<outputs whose input column first + x · stride lies
    /// inside 0..<input.
    private func outputsInside(first: Int, stride: Int, input: Int, outputs: Int) -> Range<Int> {
        /// The least x ≥ 0 with x · stride ≥ bound.
        func firstAtLeast(_ bound: Int) -> Int { bound <= 0 ? 0 : (bound + stride - 1) / stride }
        let lower = min(firstAtLeast(-first), outputs)
        let upper = min(firstAtLeast(input - first), outputs)
        return lower..<max(lower, upper)
    }
}
